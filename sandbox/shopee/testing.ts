/**
 * Test helper: what a seller does on the sandbox authorization page, over HTTP (load the page, press
 * "Authorize / Otorisasi"). Returns the callback URL Shopee redirects to. Browser tests click the real
 * button instead.
 */
export async function approveAuthorization(
  authorizationUrl: string,
  options: { shopId?: number } = {},
): Promise<URL> {
  const page = await fetch(authorizationUrl);
  const html = await page.text();
  if (!page.ok) throw new Error(`authorization page answered ${page.status}: ${html.slice(0, 200)}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const firstShop = /name="shop_id" value="(\d+)"/.exec(html)?.[1];
  if (!action || !firstShop || !html.includes('id="authorize"')) throw new Error('not an authorization page');
  const decoded = action.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  const answer = await fetch(new URL(decoded, authorizationUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ shop_id: String(options.shopId ?? firstShop) }),
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) {
    throw new Error(`authorization answered ${answer.status}: ${(await answer.text()).slice(0, 200)}`);
  }
  return new URL(location);
}
