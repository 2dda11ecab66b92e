// The panel's strings (web/static/i18n.js) without a browser: Russian and
// English have the same keys, every key the pages name exists, and the
// default language is Russian.
//   node --test i18n.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { catalogue, language, t } from '../../web/static/i18n.js';

const STATIC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'static');

test('Russian is the default language', () => {
  assert.equal(language(), 'ru');
  assert.equal(t('logout'), 'Выйти');
});

test('Russian and English have the same keys', () => {
  const ru = Object.keys(catalogue.ru);
  const en = Object.keys(catalogue.en);
  assert.deepEqual(ru.filter((k) => !(k in catalogue.en)), [], 'keys with no English');
  assert.deepEqual(en.filter((k) => !(k in catalogue.ru)), [], 'keys with no Russian');
  for (const k of ru) assert.notEqual(catalogue.en[k].trim(), '', k);
});

test('every key the pages name has a string', () => {
  // A key is a quoted "prefix.name" whose prefix the catalogue uses
  // (t('board.queues'), data-i18n="login.title", ['board.position', ...]).
  const prefixes = new Set(Object.keys(catalogue.ru).map((k) => k.split('.')[0]));
  const missing = [];
  let seen = 0;
  for (const file of readdirSync(STATIC)) {
    if (!/\.(js|html)$/.test(file) || file === 'i18n.js') continue;
    const text = readFileSync(join(STATIC, file), 'utf8');
    for (const m of text.matchAll(/["']([a-z_]+\.[a-z_0-9]+)["']/g)) {
      if (!prefixes.has(m[1].split('.')[0])) continue;
      seen += 1;
      if (!(m[1] in catalogue.ru)) missing.push(`${file}: ${m[1]}`);
    }
  }
  assert.ok(seen > 100, `only ${seen} keys found: is the pattern still right?`);
  assert.deepEqual(missing, []);
});

test('placeholders are filled in both languages', () => {
  const vars = { status: 501, code: 'not_implemented', m: 'no route' };
  assert.equal(t('card.call_refused', vars), 'Звонок не начат (HTTP 501 not_implemented): no route');
  for (const lang of ['ru', 'en']) {
    const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    for (const [k, s] of Object.entries(catalogue.ru)) {
      assert.equal(names(catalogue[lang][k]), names(s), `${lang} ${k}: other placeholders than Russian`);
    }
  }
});
