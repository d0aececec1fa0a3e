/**
 * HTML of the TikTok Shop sandbox: the seller authorization page and the seller-center pages (Tokopedia and
 * TikTok Shop share one seller center since the merger, marketplaces.md "Seller center"). Every value from
 * state goes through escapeHtml; the product edit page renders its data client-side with DOM APIs only.
 *
 * Class names follow the real seller center: Arco Design components with the `core-` prefix, everything else
 * hashed CSS-module names (which the extension must not depend on).
 */
import { escapeHtml, htmlPage } from '../common/html.js';
import type { SandboxProduct, SandboxSeller, SandboxShop } from './state.js';

const BASE_STYLE = `
  body { font-family: "TikTokText", "Helvetica Neue", Arial, sans-serif; margin: 0; background: #f5f6f7; color: #161823; }
  .core-layout-header { background: #fff; border-bottom: 1px solid #e3e5e7; padding: 12px 24px; display: flex; gap: 24px; align-items: center; }
  .header__logo--9fT2a { font-weight: 700; font-size: 18px; }
  .header__logo--9fT2a span { color: #fe2c55; }
  .core-layout-content { max-width: 1040px; margin: 24px auto; padding: 0 16px; }
  .core-card { background: #fff; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.06); }
  .core-card-header { padding: 16px 24px; border-bottom: 1px solid #f0f1f2; display: flex; gap: 12px; align-items: center; }
  .core-card-header-title { font-size: 18px; margin: 0; }
  .core-card-body { padding: 16px 24px; }
  .core-card-footer { padding: 16px 24px; border-top: 1px solid #f0f1f2; display: flex; justify-content: space-between; align-items: center; }
  .core-btn { border: 0; border-radius: 4px; padding: 8px 20px; font-size: 14px; cursor: pointer; }
  .core-btn-primary { background: #fe2c55; color: #fff; }
  .core-btn-primary[disabled] { opacity: .5; cursor: not-allowed; }
  .core-tag { display: inline-block; font-size: 12px; padding: 2px 8px; border-radius: 4px; background: #f2f3f5; margin-right: 6px; }
  .core-tag-orange { background: #fff3e8; color: #d25f00; }
  .core-tag-green { background: #e8ffea; color: #00a13b; }
  .core-tag-gray { background: #f2f3f5; color: #86909c; text-decoration: line-through; }
  .core-form-item { margin: 16px 0; }
  .core-form-label-item { font-weight: 500; margin-bottom: 8px; }
  .core-input { width: 100%; box-sizing: border-box; padding: 8px; border: 1px solid #e3e5e7; border-radius: 4px; font-size: 14px; }
  .core-upload-list-type-picture-card { display: flex; flex-wrap: wrap; gap: 12px; min-height: 104px; }
  .core-upload-list-item { width: 104px; height: 104px; border: 1px solid #e3e5e7; border-radius: 4px; overflow: hidden; }
  .core-upload-list-item-picture { width: 100%; height: 100%; }
  .core-upload-list-item-picture img { width: 100%; height: 100%; object-fit: cover; display: block; }
  .core-breadcrumb { color: #86909c; font-size: 13px; margin-bottom: 16px; }
  .core-table { width: 100%; border-collapse: collapse; background: #fff; }
  .core-table-td, .core-table-th { text-align: left; padding: 10px 12px; border-bottom: 1px solid #f0f1f2; }
  .core-table-td img { width: 56px; height: 56px; object-fit: cover; border-radius: 4px; }
  a { color: #0075db; }
  .note__text--7Hq1w { color: #86909c; font-size: 13px; }
`;

const PLATFORM_NAMES: Record<string, string> = { TIKTOK_SHOP: 'TikTok Shop', TOKOPEDIA: 'Tokopedia' };

export function authorizationPage(input: {
  serviceId: string;
  state: string;
  seller: SandboxSeller;
  shops: SandboxShop[];
  formAction: string;
}): string {
  const shops = input.shops
    .map(
      (shop) =>
        `<li class="shop__item--3kP0q">${escapeHtml(shop.name)} <small>(${escapeHtml(shop.region)}, shop id ${escapeHtml(shop.id)})</small></li>`,
    )
    .join('\n');
  return htmlPage({
    lang: 'en',
    title: 'TikTok Shop — Authorize app / Otorisasi aplikasi (sandbox)',
    style: BASE_STYLE,
    body: `<header class="core-layout-header"><span class="header__logo--9fT2a">TikTok <span>Shop</span> Partner</span><span>Sandbox</span></header>
<main class="core-layout-content">
  <div class="core-card">
    <div class="core-card-header"><h1 class="core-card-header-title">Authorize app <br><small lang="id">Otorisasi aplikasi</small></h1></div>
    <div class="core-card-body">
      <p>Service <strong>${escapeHtml(input.serviceId)}</strong> asks to read your shops and to manage product images of
        <strong>${escapeHtml(input.seller.name)}</strong> on TikTok Shop and Tokopedia.</p>
      <p lang="id">Layanan <strong>${escapeHtml(input.serviceId)}</strong> meminta izin membaca toko Anda dan mengelola gambar produk
        <strong>${escapeHtml(input.seller.name)}</strong> di TikTok Shop dan Tokopedia.</p>
      <p>Shops / Toko:</p>
      <ul>
${shops}
      </ul>
      <form method="post" action="${escapeHtml(input.formAction)}">
        <input type="hidden" name="service_id" value="${escapeHtml(input.serviceId)}">
        <input type="hidden" name="state" value="${escapeHtml(input.state)}">
        <button id="authorize" class="core-btn core-btn-primary" type="submit">Authorize / Otorisasi</button>
      </form>
      <p class="note__text--7Hq1w">You will return to the app's redirect URL registered in Partner Center. / Anda akan kembali ke URL pengalihan aplikasi yang terdaftar di Partner Center.</p>
    </div>
  </div>
</main>`,
  });
}

function sellerChrome(title: string, body: string, script = ''): string {
  return htmlPage({
    lang: 'id',
    title: `${title} | TikTok Shop Seller Center`,
    style: BASE_STYLE,
    bodyAttributes: ' class="core-theme-light"',
    body: `<div id="root" class="app__root--k3Jd9">
<header class="core-layout-header">
  <span class="header__logo--9fT2a">TikTok <span>Shop</span> Seller Center</span>
  <nav class="nav__menu--5Rt1v"><a href="/product/manage">Kelola produk / Manage products</a></nav>
</header>
<main class="core-layout-content">
${body}
</main>
</div>
${script}`,
  });
}

export function sellerProductListPage(products: SandboxProduct[], imageUrl: (uri: string) => string): string {
  const rows = products
    .map((product) => {
      const first = product.mainImageUris[0];
      const thumb = first ? `<img src="${escapeHtml(imageUrl(first))}" alt="">` : '';
      const platforms = product.listingPlatforms
        .map((p) => `<span class="core-tag">${escapeHtml(PLATFORM_NAMES[p] ?? p)}</span>`)
        .join('');
      const review =
        product.audit?.status === 'AUDITING'
          ? '<span class="core-tag core-tag-orange">Under review / Menunggu peninjauan</span>'
          : '';
      return `<tr class="core-table-tr" data-product-id="${escapeHtml(product.id)}"><td class="core-table-td">${thumb}</td><td class="core-table-td"><a href="/product/edit/${escapeHtml(product.id)}">${escapeHtml(product.title)}</a></td><td class="core-table-td">${platforms}</td><td class="core-table-td">${product.mainImageUris.length}</td><td class="core-table-td">${review}</td></tr>`;
    })
    .join('\n');
  return sellerChrome(
    'Kelola produk',
    `<div class="core-breadcrumb">Produk / Kelola produk</div>
<div class="core-card">
<div class="core-card-header"><h1 class="core-card-header-title">Kelola produk / Manage products</h1></div>
<div class="core-card-body">
<table class="core-table product-list__table--8Wq2e"><thead><tr class="core-table-tr"><th class="core-table-th"></th><th class="core-table-th">Produk</th><th class="core-table-th">Platform</th><th class="core-table-th">Gambar</th><th class="core-table-th">Status</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</div>
</div>`,
  );
}

/**
 * The product edit page, a client-rendered SPA like the real one: the inline script fetches the product from a
 * same-origin endpoint and builds the page with DOM APIs (never innerHTML with data). The main images use the
 * exact Arco picture-card markup the extension's selectors rely on. ~300 ms after each product's first render
 * the image items are replaced once, as SPA pages do when late data arrives: content scripts must survive
 * their anchors being swapped out. "Next product" navigates client-side (history.pushState, no reload), so
 * content scripts must also notice a new product on the same document.
 */
export function sellerProductPage(): string {
  const script = `<script>
'use strict';
(function () {
  var content = document.getElementById('product-edit');
  var status = document.getElementById('page-status');
  var generation = 0;
  var rerender = null;
  var renders = 0;

  function productIdFromPath() {
    var match = /^\\/product\\/edit\\/(\\d+)\\/?$/.exec(location.pathname);
    return match ? match[1] : '';
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function imageItems(images) {
    return images.map(function (image) {
      var item = el('div', 'core-upload-list-item core-upload-list-item-done');
      var picture = el('div', 'core-upload-list-item-picture');
      var img = document.createElement('img');
      img.src = image.url;
      picture.appendChild(img);
      item.appendChild(picture);
      return item;
    });
  }

  function formItem(label, control) {
    var item = el('div', 'core-form-item productEdit__field--4Zr8m');
    var labelBox = el('div', 'core-form-label-item');
    labelBox.appendChild(el('label', '', label));
    item.appendChild(labelBox);
    item.appendChild(control);
    return item;
  }

  var PLATFORMS = { TIKTOK_SHOP: 'TikTok Shop', TOKOPEDIA: 'Tokopedia' };
  var AUDIT = { AUDITING: 'Under review / Menunggu peninjauan', APPROVED: 'Approved / Disetujui' };

  function markRendered() {
    renders += 1;
    document.body.setAttribute('data-image-renders', String(renders));
  }

  function build(product) {
    var card = el('div', 'core-card productEdit__card--1aB2c');
    card.setAttribute('data-product-id', product.product_id);

    var header = el('div', 'core-card-header');
    header.appendChild(el('h1', 'core-card-header-title', 'Edit produk / Edit product'));
    if (product.audit_status) {
      var tag = el('span', product.audit_status === 'AUDITING' ? 'core-tag core-tag-orange' : 'core-tag core-tag-green',
        AUDIT[product.audit_status] || product.audit_status);
      tag.setAttribute('data-tid', 'audit-status');
      header.appendChild(tag);
    }
    card.appendChild(header);

    var body = el('div', 'core-card-body');
    var platforms = el('div', 'productEdit__platforms--6Yt3n');
    product.listing_platforms.forEach(function (p) {
      platforms.appendChild(el('span', 'core-tag', PLATFORMS[p] || p));
    });
    product.deactivated_platforms.forEach(function (p) {
      platforms.appendChild(el('span', 'core-tag core-tag-gray', (PLATFORMS[p] || p) + ' (nonaktif / deactivated)'));
    });
    body.appendChild(formItem('Platform', platforms));

    var upload = el('div', 'core-upload core-upload-type-picture-card');
    upload.setAttribute('data-tid', 'product-main-images');
    var list = el('div', 'core-upload-list core-upload-list-type-picture-card');
    imageItems(product.main_images).forEach(function (node) { list.appendChild(node); });
    upload.appendChild(list);
    body.appendChild(formItem('Gambar produk / Product images', upload));

    var title = el('input', 'core-input');
    title.type = 'text';
    title.maxLength = 255;
    title.value = product.title;
    body.appendChild(formItem('Nama produk / Product name', title));
    card.appendChild(body);

    var footer = el('div', 'core-card-footer');
    if (product.next_product_id) {
      var next = el('a', 'core-link productEdit__next--2Vb7c', 'Produk berikutnya / Next product');
      next.setAttribute('data-tid', 'next-product');
      next.href = '/product/edit/' + encodeURIComponent(product.next_product_id);
      footer.appendChild(next);
    }
    var save = el('button', 'core-btn core-btn-primary', 'Kirim / Submit');
    save.type = 'button';
    save.disabled = true;
    footer.appendChild(save);
    card.appendChild(footer);
    return { card: card, list: list };
  }

  function render() {
    var productId = productIdFromPath();
    var current = ++generation;
    clearTimeout(rerender);
    status.textContent = 'Memuat… / Loading…';
    fetch('/api/v1/product/get?product_id=' + encodeURIComponent(productId), { credentials: 'same-origin' })
      .then(function (res) { return res.json(); })
      .then(function (answer) {
        if (current !== generation) return; // a newer navigation won
        if (answer.code !== 0) throw new Error(answer.message || 'error');
        var product = answer.data;
        var built = build(product);
        content.replaceChildren(built.card);
        document.title = product.title + ' | Edit produk | TikTok Shop Seller Center';
        status.textContent = '';
        markRendered();
        rerender = setTimeout(function () {
          if (current !== generation) return;
          built.list.replaceChildren.apply(built.list, imageItems(product.main_images));
          markRendered();
        }, 300);
      })
      .catch(function (err) {
        if (current !== generation) return;
        content.replaceChildren();
        status.textContent = 'Produk tidak ditemukan / Product not found (' + String(err && err.message) + ')';
      });
  }

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target.closest('a[data-tid="next-product"]') : null;
    if (!target || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    history.pushState(null, '', target.getAttribute('href'));
    render();
  });
  window.addEventListener('popstate', render);
  render();
})();
</script>`;
  return sellerChrome(
    'Edit produk',
    `<div class="core-breadcrumb">Produk / Kelola produk / Edit produk</div>
<p id="page-status" class="note__text--7Hq1w">Memuat… / Loading…</p>
<div id="product-edit" class="productEdit__container--Wk2qF"></div>`,
    script,
  );
}

export function sellerNotFoundPage(): string {
  return sellerChrome('Halaman tidak ditemukan', '<h1>Halaman tidak ditemukan / Page not found</h1>');
}
