/**
 * The "Enhance photo" feature for any marketplace: watches a client-rendered seller-center page, keeps one
 * shadow-root widget per listing-image slot, removes widgets whose slot node the page dropped, and follows
 * client-side navigation to another product (product-switch.ts) without leaving a button behind.
 * Everything it starts (observer, timers, listeners, React roots, queries) ends with WXT's `ctx`.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { createRoot, type Root } from 'react-dom/client';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi, type ShadowRootContentScriptUi } from 'wxt/utils/content-script-ui/shadow-root';
import { createQueryClient } from '../ui/query-client';
import { EnhanceWidget, type WidgetEnv } from './EnhanceWidget';
import { ProductSwitchGuard } from './product-switch';
import { type MountedSlot, planMounts } from './reconcile';
import { OVERLAY_HOST_CSS, PANEL_HOST_CSS, WIDGET_CSS } from './styles';
import type { ListingImage, MarketplaceAdapter } from './types';

/** Long enough to coalesce a re-render burst, short enough to feel immediate. */
const SCAN_DEBOUNCE_MS = 150;
const HOST_TAG = 'lumiku-enhance-ui';
const PANEL_HOST_TAG = 'lumiku-panel-ui';
/** Keys and mouse events stay inside the widget so the page's own handlers (drag, preview) do not fire. */
const ISOLATED_EVENTS = [
  'keydown',
  'keyup',
  'keypress',
  'click',
  'dblclick',
  'mousedown',
  'mouseup',
  'pointerdown',
  'pointerup',
];

interface MountedWidget extends MountedSlot {
  ui: ShadowRootContentScriptUi<Root>;
  render: (image: ListingImage) => void;
}

/** Records what the slot shows now; the anchor is read by WXT's mount, so a move re-attaches there. */
function track(widget: MountedWidget, image: ListingImage): void {
  widget.anchor = image.anchor;
  widget.placement = image.placement;
  widget.sourceImageId = image.sourceImageId;
}

export async function runEnhanceFeature(
  ctx: ContentScriptContext,
  adapter: MarketplaceAdapter,
): Promise<void> {
  const queryClient = createQueryClient();
  ctx.onInvalidated(() => queryClient.clear());
  const panels = new EventTarget();
  const widgets = new Map<number, MountedWidget>();
  const productSwitch = new ProductSwitchGuard();
  let productId: string | undefined;
  /** The listing images of the last scan, for the product in `productId`. */
  let shown: ListingImage[] = [];
  let scanning = false;
  let scanAgain = false;
  let debounce: number | undefined;

  function removeAll() {
    for (const widget of widgets.values()) widget.ui.remove();
    widgets.clear();
  }
  // Registered before the panel host exists, so React unmounts the portals before WXT empties their host.
  ctx.onInvalidated(removeAll);

  /**
   * Follows the URL to another product (or to no product): nothing on screen belongs to the new one, so
   * every widget, open panel and job view goes at once; the new product's widgets come with the next scan.
   */
  function followLocation(url: URL) {
    const page = adapter.detectProductPage(url);
    if (page?.productId === productId) return;
    removeAll();
    queryClient.removeQueries({ queryKey: ['job'] });
    productSwitch.productChanged(shown, Date.now());
    shown = [];
    productId = page?.productId;
  }

  function showImageOnPage(slot: number, imageUrl: string) {
    const url = webUrl(imageUrl);
    if (!url) return;
    const target = adapter.findListingImages(document, location.href).find((image) => image.slot === slot);
    if (!target) return;
    // srcset would win over src in the browser's choice of source.
    target.img.removeAttribute('srcset');
    target.img.src = url.href;
  }

  // Panels render here (through a React portal) rather than inside the slot, whose ancestors may clip
  // (overflow), re-stack (z-index) or re-anchor (transform) anything fixed.
  const panelUi = await createShadowRootUi(ctx, {
    name: PANEL_HOST_TAG,
    position: 'inline',
    anchor: document.body,
    append: 'last',
    css: PANEL_HOST_CSS + WIDGET_CSS,
    isolateEvents: ISOLATED_EVENTS,
    onMount: () => undefined,
  });
  panelUi.mount();

  async function mountWidget(image: ListingImage, env: WidgetEnv): Promise<MountedWidget> {
    let root: Root | undefined;
    let appElement: HTMLElement | undefined;
    let current = image;
    let widget: MountedWidget | undefined;
    const ui = await createShadowRootUi<Root>(ctx, {
      name: HOST_TAG,
      position: 'overlay',
      // A function, so mounting again after a move attaches to the slot's new item node.
      anchor: () => widget?.anchor ?? image.anchor,
      append: image.placement,
      css: OVERLAY_HOST_CSS + WIDGET_CSS,
      isolateEvents: ISOLATED_EVENTS,
      onMount: (container, _shadow, host) => {
        host.dataset.lumikuSlot = String(current.slot);
        // Which product the button acts for, visible to tests and to anyone debugging the page.
        host.dataset.lumikuProduct = env.productId;
        // Re-mounting after the page dropped our host keeps the same React root, so a running job survives.
        appElement ??= document.createElement('div');
        container.append(appElement);
        root ??= createRoot(appElement);
        return root;
      },
      onRemove: (mounted) => mounted?.unmount(),
    });
    const render = (next: ListingImage) => {
      current = next;
      root?.render(
        <QueryClientProvider client={queryClient}>
          <EnhanceWidget image={next} host={ui.shadowHost} env={env} />
        </QueryClientProvider>,
      );
    };
    widget = {
      slot: image.slot,
      anchor: image.anchor,
      placement: image.placement,
      sourceImageId: image.sourceImageId,
      ui,
      render,
    };
    ui.mount();
    render(image);
    return widget;
  }

  async function scanOnce() {
    // Also catches a URL change that no wxt:locationchange reported (yet).
    followLocation(new URL(location.href));
    const page = adapter.detectProductPage(new URL(location.href));
    if (!page) return;
    const admission = productSwitch.admit(adapter.findListingImages(document, location.href), Date.now());
    if (admission.hold) {
      // The page still shows the previous product's images: look again once it had time to render.
      ctx.setTimeout(scheduleScan, admission.retryInMs);
      return;
    }
    shown = admission.images;
    // The page may have replaced <body>'s children wholesale.
    if (!panelUi.shadowHost.isConnected) panelUi.mount();
    const env: WidgetEnv = {
      marketplace: adapter.marketplace,
      productId: page.productId,
      showImageOnPage,
      panels,
      panelContainer: panelUi.uiContainer,
    };
    const plan = planMounts([...widgets.values()], admission.images);
    for (const widget of plan.remove) {
      widget.ui.remove();
      widgets.delete(widget.slot);
    }
    for (const { mounted, image } of plan.keep) {
      track(mounted, image);
      if (!mounted.ui.shadowHost.isConnected) mounted.ui.mount();
      mounted.render(image);
    }
    for (const { mounted, image } of plan.move) {
      track(mounted, image);
      mounted.ui.mount();
      mounted.render(image);
    }
    for (const image of plan.add) {
      if (ctx.isInvalid || productId !== page.productId) return;
      const widget = await mountWidget(image, env);
      // The seller moved to another product while this one was mounting: it belongs to nobody now.
      if (ctx.isInvalid || productId !== page.productId) {
        widget.ui.remove();
        return;
      }
      widgets.set(image.slot, widget);
    }
  }

  // Scans never overlap (mounting is async), so a slot can never get two widgets.
  async function scan() {
    if (scanning) {
      scanAgain = true;
      return;
    }
    scanning = true;
    try {
      do {
        scanAgain = false;
        await scanOnce();
      } while (scanAgain && ctx.isValid);
    } catch (error) {
      console.error('[lumiku] scan failed', error);
    } finally {
      scanning = false;
    }
  }

  function scheduleScan() {
    if (debounce !== undefined) clearTimeout(debounce);
    debounce = ctx.setTimeout(() => {
      debounce = undefined;
      void scan();
    }, SCAN_DEBOUNCE_MS);
  }

  const observer = new MutationObserver((records) => {
    // Our own hosts coming and going is not a page change.
    const pageChanged = records.some((record) => !isOwnNode(record.target) && !onlyOwnNodes(record));
    if (pageChanged) scheduleScan();
  });
  observer.observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['src'],
  });
  ctx.onInvalidated(() => observer.disconnect());
  // SPA navigation (history.pushState): drop the old product's widgets right away, then scan for the new one.
  ctx.addEventListener(window, 'wxt:locationchange', (event) => {
    followLocation(event.newUrl);
    scheduleScan();
  });
  void scan();
}

function webUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function isOwnNode(node: Node): boolean {
  const name = node.nodeName.toLowerCase();
  return name === HOST_TAG || name === PANEL_HOST_TAG;
}

function onlyOwnNodes(record: MutationRecord): boolean {
  if (record.type !== 'childList') return false;
  const nodes = [...record.addedNodes, ...record.removedNodes];
  return nodes.length > 0 && nodes.every(isOwnNode);
}
