/** HTML scaffolding of the sandbox pages. Every value from state goes through escapeHtml. */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page: the document head every sandbox page shares around the marketplace's own body. */
export function htmlPage(input: {
  lang: 'en' | 'id';
  /** Plain text; escaped here. */
  title: string;
  style: string;
  /** Attributes of `<body>`, e.g. ` class="…"` (with its leading space). */
  bodyAttributes?: string;
  body: string;
}): string {
  return `<!doctype html>
<html lang="${input.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${input.style}</style>
</head>
<body${input.bodyAttributes ?? ''}>
${input.body}
</body>
</html>`;
}
