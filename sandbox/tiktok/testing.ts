/**
 * Test helper: what a seller does on the sandbox authorization page, over HTTP (load the page, press
 * "Authorize / Otorisasi"). Returns the callback URL TikTok redirects to (Partner Center's fixed redirect URL
 * with `code` and `state`). Browser tests click the real button instead.
 */
export async function approveAuthorization(authorizeUrl: string): Promise<URL> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  if (!page.ok) throw new Error(`authorization page answered ${page.status}: ${html.slice(0, 200)}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action || !html.includes('id="authorize"')) throw new Error('not an authorization page');
  const decode = (value: string): string =>
    value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  // Submit the form's hidden fields as a browser would.
  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.append(decode(match[1] ?? ''), decode(match[2] ?? ''));
  }
  const answer = await fetch(new URL(decode(action), authorizeUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields,
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) {
    throw new Error(`authorization answered ${answer.status}: ${(await answer.text()).slice(0, 200)}`);
  }
  return new URL(location);
}
