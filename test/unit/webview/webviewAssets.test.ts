import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codiconCssInline, readInlineAssets, scriptText, styleText, webviewPage } from '../../../src/core/webviewAssets';

describe('webview assets inlined in one page', () => {
  it('points every codicon.ttf url() at a data: URL of the font, quoted or not', () => {
    const css = '@font-face{src:url("./codicon.ttf?abc") format("truetype")} .x{src:url(codicon.ttf)} .y{background:url(other.png)}';
    const out = codiconCssInline(css, new Uint8Array([1, 2, 3]));
    assert.equal(out, '@font-face{src:url("data:font/ttf;base64,AQID") format("truetype")} .x{src:url("data:font/ttf;base64,AQID")} .y{background:url(other.png)}');
  });

  it('keeps a bundle from closing its <script> or <style> early, and drops source map comments', () => {
    assert.equal(scriptText('const s = "</script><img src=x>";\n//# sourceMappingURL=graph.js.map\n'), 'const s = "<\\/script><img src=x>";\n\n');
    assert.equal(scriptText('x = "</SCRIPT>"'), 'x = "<\\/SCRIPT>"');
    assert.equal(styleText('a::after{content:"</style>"}\n/*# sourceMappingURL=graph.css.map */'), 'a::after{content:"<\\/style>"}\n');
  });

  it('reads a bundle, its stylesheet and the font from dist/webview; a missing file is an error that names it', () => {
    const root = mkdtempSync(join(tmpdir(), 'assets-'));
    try {
      const dir = join(root, 'dist', 'webview');
      mkdirSync(join(dir, 'codicons'), { recursive: true });
      writeFileSync(join(dir, 'graph.js'), 'console.log("</script>")');
      writeFileSync(join(dir, 'graph.css'), 'body{}');
      writeFileSync(join(dir, 'codicons', 'codicon.css'), '@font-face{src:url("./codicon.ttf?h")}');
      writeFileSync(join(dir, 'codicons', 'codicon.ttf'), Buffer.from('ttf'));
      assert.deepEqual(readInlineAssets(root, 'graph'), {
        js: 'console.log("<\\/script>")', css: 'body{}', codiconCss: '@font-face{src:url("data:font/ttf;base64,dHRm")}',
      });
      assert.throws(() => readInlineAssets(root, 'cost'), /cost\.js/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('builds one page: no network, no local files, the bundle run only with the nonce, the title escaped', () => {
    const html = webviewPage({ js: 'run()', css: 'b{}', codiconCss: 'i{}' }, { nonce: 'n0', title: 'a <b> & "c"', head: '<meta name="x">', body: '<p>after</p>', bodyClass: 'vscode-dark' });
    assert.match(html, /content="default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; script-src 'nonce-n0'"/);
    assert.match(html, /<title>a &lt;b&gt; &amp; &quot;c&quot;<\/title>\n<meta name="x">/);
    assert.match(html, /<body class="vscode-dark">\n<div id="root" role="main"><\/div>\n<p>after<\/p>\n<script nonce="n0" type="module">run\(\)<\/script>/);
    assert.doesNotMatch(html, /\b(src|href)=/, 'nothing is loaded by URL');
  });
});
