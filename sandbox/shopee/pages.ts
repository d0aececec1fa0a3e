/**
 * HTML of the sandbox: Shopee's partner authorization page and the seller-center pages. Every value from
 * state goes through escapeHtml; the product page renders its data client-side with DOM APIs only.
 */
import { escapeHtml, htmlPage } from '../common/html.js';
import type { SandboxItem, SandboxShop } from './state.js';

const BASE_STYLE = `
  body { font-family: Roboto, "Helvetica Neue", Arial, sans-serif; margin: 0; background: #f6f6f6; color: #333; }
  header { background: #fff; border-bottom: 1px solid #e5e5e5; padding: 12px 24px; display: flex; gap: 16px; align-items: center; }
  header .logo { color: #ee4d2d; font-weight: 700; font-size: 18px; }
  main { max-width: 960px; margin: 24px auto; background: #fff; padding: 24px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.08); }
  button { background: #ee4d2d; color: #fff; border: 0; border-radius: 2px; padding: 10px 20px; font-size: 14px; cursor: pointer; }
  a { color: #05a; }
  .note { color: #757575; font-size: 13px; }
`;

export function authorizationPage(input: {
  partnerId: number;
  shops: SandboxShop[];
  formAction: string;
  redirect: string;
}): string {
  const shops = input.shops
    .map(
      (shop, i) =>
        `<label class="shop"><input type="radio" name="shop_id" value="${shop.shopId}"${i === 0 ? ' checked' : ''}> ` +
        `${escapeHtml(shop.name)} <small>(shop_id ${shop.shopId})</small></label>`,
    )
    .join('\n');
  return htmlPage({
    lang: 'en',
    title: 'Shopee Open Platform — Authorize partner / Otorisasi partner (sandbox)',
    style: `${BASE_STYLE}
  .shop { display: block; padding: 12px; border: 1px solid #e5e5e5; border-radius: 4px; margin: 8px 0; }
`,
    body: `<header><span class="logo">Shopee Open Platform</span><span>Sandbox</span></header>
<main>
  <h1>Authorize partner app <br><small lang="id">Otorisasi aplikasi partner</small></h1>
  <p>Partner app <strong>${input.partnerId}</strong> asks to manage products and upload media for the shop you choose.</p>
  <p lang="id">Aplikasi partner <strong>${input.partnerId}</strong> meminta izin mengelola produk dan mengunggah media untuk toko yang Anda pilih.</p>
  <form method="post" action="${escapeHtml(input.formAction)}">
    <fieldset>
      <legend>Shop / Toko</legend>
      ${shops}
    </fieldset>
    <p class="note">You will return to / Anda akan kembali ke: <code>${escapeHtml(input.redirect)}</code></p>
    <button id="authorize" type="submit">Authorize / Otorisasi</button>
  </form>
  <p class="note">This link expires 5 minutes after it was created. / Tautan ini kedaluwarsa 5 menit setelah dibuat.</p>
</main>`,
  });
}

function sellerChrome(title: string, body: string, script = ''): string {
  return htmlPage({
    lang: 'id',
    title: `${title} | Shopee Seller Centre`,
    style: `${BASE_STYLE}
  nav a { margin-right: 12px; text-decoration: none; }
  .breadcrumb { color: #757575; font-size: 13px; margin-bottom: 16px; }
  .shopee-image-manager { display: flex; flex-wrap: wrap; gap: 12px; min-height: 120px; }
  .shopee-image-manager__itemer { width: 120px; height: 120px; border: 1px dashed #d8d8d8; border-radius: 4px; overflow: hidden; position: relative; }
  .shopee-image-manager__content { width: 100%; height: 100%; }
  .shopee-image-manager__image { width: 100%; height: 100%; object-fit: cover; display: block; }
  .shopee-input__input { width: 100%; box-sizing: border-box; padding: 8px; border: 1px solid #e5e5e5; border-radius: 4px; font-size: 14px; }
  .form-row { margin: 16px 0; }
  .form-row > label { display: block; font-weight: 500; margin-bottom: 8px; }
  table { width: 100%; border-collapse: collapse; }
  td, th { text-align: left; padding: 8px; border-bottom: 1px solid #eee; }
  td img { width: 56px; height: 56px; object-fit: cover; }
`,
    body: `<header><span class="logo">Shopee Seller Centre</span>
  <nav><a href="/portal/product/list/all">Produk Saya</a><a href="/portal/product/new">Tambah Produk Baru</a></nav>
  <span class="shop-name">Toko Anda</span>
</header>
<main>
${body}
</main>
${script}`,
  });
}

export function sellerProductListPage(items: SandboxItem[], imageUrl: (id: string) => string): string {
  const rows = items
    .map((item) => {
      const first = item.imageIds[0];
      const thumb = first ? `<img src="${escapeHtml(imageUrl(first))}" alt="">` : '';
      return `<tr data-item-id="${item.itemId}"><td>${thumb}</td><td><a href="/portal/product/${item.itemId}">${escapeHtml(item.name)}</a></td><td>${item.imageIds.length}</td><td>${item.promotionLocked ? 'Promosi' : 'Aktif'}</td></tr>`;
    })
    .join('\n');
  return sellerChrome(
    'Produk Saya',
    `<div class="breadcrumb">Beranda &gt; Produk Saya</div>
<h1>Produk Saya</h1>
<table class="product-list"><thead><tr><th></th><th>Nama Produk</th><th>Foto</th><th>Status</th></tr></thead>
<tbody>
${rows}
</tbody></table>`,
  );
}

/**
 * The product edit page, rendered client-side like the real one: an inline script fetches the product from
 * a same-origin endpoint and builds the image manager with DOM APIs (never innerHTML with data). It then
 * re-renders the image slots once after ~300 ms, replacing the itemer nodes, as SPA pages do when late data
 * arrives: content scripts must survive their anchors being swapped out.
 */
export function sellerProductPage(): string {
  const script = `<script>
'use strict';
(function () {
  var productId = location.pathname.split('/').filter(Boolean).pop();
  var section = document.getElementById('product-images');
  var nameInput = document.getElementById('product-name');
  var status = document.getElementById('page-status');
  var renders = 0;

  function itemers(urls) {
    return urls.map(function (url) {
      var itemer = document.createElement('div');
      itemer.className = 'shopee-image-manager__itemer';
      var content = document.createElement('div');
      content.className = 'shopee-image-manager__content';
      var img = document.createElement('img');
      img.className = 'shopee-image-manager__image';
      img.src = url;
      content.appendChild(img);
      itemer.appendChild(content);
      return itemer;
    });
  }

  function markRendered() {
    renders += 1;
    document.body.setAttribute('data-image-renders', String(renders));
  }

  fetch('/api/v3/product/get_product_info?product_id=' + encodeURIComponent(productId), { credentials: 'same-origin' })
    .then(function (res) { return res.json(); })
    .then(function (body) {
      if (body.code !== 0) throw new Error(body.message || 'error');
      var urls = body.data.images.map(function (image) { return image.url; });
      nameInput.value = body.data.name;
      document.title = body.data.name + ' | Edit Produk | Shopee Seller Centre';
      var manager = document.createElement('div');
      manager.className = 'product-edit-images shopee-image-manager';
      manager.setAttribute('data-testid', 'image-manager');
      itemers(urls).forEach(function (node) { manager.appendChild(node); });
      section.appendChild(manager);
      status.textContent = '';
      markRendered();
      setTimeout(function () {
        manager.replaceChildren.apply(manager, itemers(urls));
        markRendered();
      }, 300);
    })
    .catch(function (err) {
      status.textContent = 'Produk tidak ditemukan / Product not found (' + String(err && err.message) + ')';
    });
})();
</script>`;
  return sellerChrome(
    'Edit Produk',
    `<div class="breadcrumb">Beranda &gt; Produk Saya &gt; Edit Produk</div>
<h1>Edit Produk</h1>
<p id="page-status" class="note">Memuat…</p>
<section class="product-edit-section">
  <h2>Informasi Produk</h2>
  <div class="form-row"><label>Foto Produk</label><div id="product-images"></div></div>
  <div class="form-row"><label for="product-name">Nama Produk</label>
    <input id="product-name" class="shopee-input__input" type="text" maxlength="255" placeholder="Nama Produk"></div>
  <div class="form-row"><label for="product-description">Deskripsi Produk</label>
    <textarea id="product-description" class="shopee-input__input" rows="5"></textarea></div>
</section>
<div class="form-row"><button type="button" id="save-product" disabled>Simpan &amp; Tampilkan</button></div>`,
    script,
  );
}

export function sellerNotFoundPage(): string {
  return sellerChrome('Halaman tidak ditemukan', '<h1>Halaman tidak ditemukan / Page not found</h1>');
}
