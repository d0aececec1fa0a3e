import { dropTemplate, prepareTemplate } from './db.js';

export default async function setup(): Promise<() => Promise<void>> {
  await prepareTemplate();
  return dropTemplate;
}
