/**
 * Styles of the seller-center widgets; they live inside shadow roots, so the page cannot restyle them.
 *
 * WXT resets the host with `:host { all: initial !important }`, which also wipes the inline position
 * styles it sets for overlays (for !important declarations the shadow tree's win over the host's style
 * attribute: CSS Cascade 4, "Context"). The host rules below come after that reset and pin the host box.
 */

/** The 0×0 box at the slot's top-left corner; out of flow so the page's layout (flex gaps) is unchanged. */
export const OVERLAY_HOST_CSS = `
:host { display: block !important; position: absolute !important; width: 0 !important; height: 0 !important; overflow: visible !important; z-index: 2 !important; }
`;

/** One body-level host for the open panel, above the page and outside any clipping or stacking context. */
export const PANEL_HOST_CSS = `
:host { display: block !important; position: fixed !important; top: 0 !important; left: 0 !important; width: 0 !important; height: 0 !important; overflow: visible !important; z-index: 2147483000 !important; }
`;

export const WIDGET_CSS = `
:host { --lumiku: #6d28d9; --lumiku-dark: #5b21b6; --lumiku-soft: #ede9fe; --ink: #1f2937; --muted: #6b7280; --danger: #b91c1c; }
.overlay { position: absolute; pointer-events: none; font: 12px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
.overlay > * { pointer-events: auto; }
button { font: inherit; cursor: pointer; border-radius: 999px; border: 1px solid transparent; }
button:disabled { cursor: default; opacity: 0.6; }
.enhance { position: absolute; left: 4px; bottom: 4px; padding: 3px 8px; background: var(--lumiku); color: #fff; font-size: 11px; font-weight: 600; white-space: nowrap; box-shadow: 0 1px 3px rgba(0,0,0,.25); }
.enhance:hover { background: var(--lumiku-dark); }
.progress { pointer-events: none; position: absolute; left: 0; right: 0; bottom: 0; height: 100%; background: rgba(255,255,255,.55); display: flex; align-items: flex-end; }
.progress-track { width: 100%; height: 6px; background: var(--lumiku-soft); }
.progress-fill { height: 100%; background: var(--lumiku); transition: width .4s ease; }
.badge { position: absolute; top: 4px; left: 4px; padding: 2px 6px; border-radius: 999px; background: #047857; color: #fff; font-size: 11px; font-weight: 600; }
.panel { position: fixed; top: 88px; right: 24px; width: 340px; max-height: calc(100vh - 120px); overflow: auto; background: #fff; border-radius: 12px; box-shadow: 0 10px 30px rgba(0,0,0,.2); border-top: 4px solid var(--lumiku); padding: 14px 16px; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
.panel-head { display: flex; align-items: center; justify-content: space-between; margin-bottom: 10px; }
.brand { font-weight: 700; color: var(--lumiku); }
.close { background: transparent; color: var(--muted); font-size: 18px; line-height: 1; padding: 0 4px; }
.row { display: flex; justify-content: space-between; margin: 4px 0; }
.label { color: var(--muted); }
.strong { font-weight: 600; }
.primary { display: block; width: 100%; margin-top: 12px; padding: 8px 12px; background: var(--lumiku); color: #fff; font-weight: 600; }
.primary:hover:not(:disabled) { background: var(--lumiku-dark); }
.secondary { display: block; width: 100%; margin-top: 8px; padding: 7px 12px; background: #fff; color: var(--lumiku); border-color: var(--lumiku); font-weight: 600; }
.secondary:hover:not(:disabled) { background: var(--lumiku-soft); }
.error .secondary { color: var(--danger); border-color: var(--danger); }
.audit { display: inline-block; margin: 0 0 8px; padding: 2px 8px; border-radius: 999px; background: #fff7ed; color: #c2410c; font-size: 12px; font-weight: 600; }
.audit[data-audit-status="APPROVED"] { background: #ecfdf5; color: #047857; }
.status { margin: 8px 0; font-weight: 600; }
.status.ok { color: #047857; }
.error { margin-top: 10px; padding: 8px 10px; border-radius: 8px; background: #fef2f2; color: var(--danger); }
.hint { color: var(--muted); }
.note { margin: 8px 0 0; padding: 6px 8px; border-radius: 8px; background: #fffbeb; color: #92400e; }
.compare { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; margin-top: 8px; }
.compare figure { margin: 0; }
.compare img { width: 100%; aspect-ratio: 1 / 1; object-fit: contain; background: #f3f4f6; border-radius: 8px; display: block; }
.compare figcaption { text-align: center; color: var(--muted); margin-top: 4px; }
.panel-progress { height: 8px; border-radius: 999px; background: var(--lumiku-soft); overflow: hidden; }
.link { background: transparent; color: var(--lumiku); padding: 0; margin: 2px 0 6px; font-weight: 600; text-decoration: underline; border-radius: 4px; }
button:focus-visible { outline: 2px solid var(--lumiku); outline-offset: 2px; }
.picker { margin: 4px 0 10px; padding: 8px; border: 1px solid #e5e7eb; border-radius: 10px; }
.tabs { display: flex; gap: 4px; overflow-x: auto; margin-bottom: 8px; }
.tab { padding: 3px 8px; background: #f3f4f6; color: var(--ink); font-size: 12px; white-space: nowrap; }
.tab[aria-selected="true"] { background: var(--lumiku); color: #fff; }
.looks { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; max-height: 260px; overflow-y: auto; }
.look { display: flex; flex-direction: column; align-items: stretch; gap: 2px; padding: 4px; border-radius: 8px; border: 2px solid transparent; background: #fff; text-align: left; font-size: 11px; color: var(--ink); }
.look[aria-selected="true"] { border-color: var(--lumiku); background: var(--lumiku-soft); }
.look[aria-disabled="true"] { opacity: 0.55; cursor: not-allowed; }
.thumb { position: relative; display: flex; align-items: center; justify-content: center; aspect-ratio: 1 / 1; border-radius: 6px; background: #f3f4f6; overflow: hidden; }
.thumb img { width: 100%; height: 100%; object-fit: cover; display: block; }
.thumb-size { color: var(--muted); font-size: 10px; }
.premium { position: absolute; top: 3px; right: 3px; padding: 1px 5px; border-radius: 999px; background: #b45309; color: #fff; font-size: 9px; font-weight: 700; }
.look-name { font-weight: 600; line-height: 1.2; overflow: hidden; text-overflow: ellipsis; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }
.look-price { color: var(--muted); }
`;
