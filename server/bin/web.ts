/** The API process. */
import { createApp } from '../app.js';
import { loadConfigOrExit } from '../config.js';
import { createLogger } from '../logger.js';
import { createRuntime } from '../runtime.js';

const config = loadConfigOrExit();
const logger = createLogger(config.LOG_LEVEL, 'web');
const runtime = createRuntime(config, logger);
const server = createApp(runtime).listen(config.PORT, config.HOST, () => {
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'API listening');
});

async function shutdown(signal: string) {
  logger.info({ signal }, 'shutting down');
  server.close();
  await runtime.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
