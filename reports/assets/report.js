// Search and filters over the items, the sequence/text toggle of each transcript, the sticky
// bar's height for the table header, and every evidence block opened before printing.
(function () {
  function byId(id) { return document.getElementById(id); }
  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  var items = all('tbody.item');
  var search = byId('search');
  var verdict = byId('filter-verdict');
  var level = byId('filter-level');
  var tag = byId('filter-tag');
  var failedOnly = byId('failed-only');
  var clear = byId('filter-clear');
  var count = byId('filter-count');
  var empty = byId('filter-empty');
  // Read once: the text never changes, and a long report would otherwise re-walk every row per keystroke.
  var texts = items.map(function (item) { return (item.textContent || '').toLowerCase(); });
  var tags = items.map(function (item) { return all('.tag', item).map(function (t) { return t.textContent; }); });

  function apply() {
    var words = search ? search.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var v = verdict ? verdict.value : '';
    var l = level ? level.value : '';
    var t = tag ? tag.value : '';
    var only = failedOnly && failedOnly.checked;
    var shown = 0;
    items.forEach(function (item, i) {
      var keep = (!only || item.getAttribute('data-failing') === 'true') &&
        (!v || item.getAttribute('data-verdict') === v) &&
        (!l || item.getAttribute('data-level') === l) &&
        (!t || tags[i].indexOf(t) >= 0) &&
        words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      item.hidden = !keep;
      if (keep) shown++;
    });
    if (empty) empty.hidden = shown !== 0;
    if (count) {
      count.textContent = (count.getAttribute('data-template') || '')
        .replace('{shown}', String(shown)).replace('{total}', String(items.length));
    }
  }
  [search, verdict, level, tag, failedOnly].forEach(function (control) {
    if (!control) return;
    control.addEventListener(control === search ? 'input' : 'change', apply);
  });
  if (clear) {
    clear.addEventListener('click', function () {
      if (search) search.value = '';
      [verdict, level, tag].forEach(function (s) { if (s) s.value = ''; });
      if (failedOnly) failedOnly.checked = false;
      apply();
    });
  }
  if (location.hash === '#failed' && failedOnly) failedOnly.checked = true;
  apply();

  // Each transcript shows the sequence view or the text log; the buttons switch between them.
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('.view-toggle button[data-show]') : null;
    if (!button) return;
    var views = button.closest('.transcript-views');
    if (!views) return;
    views.setAttribute('data-view', button.getAttribute('data-show'));
    all('button[data-show]', views).forEach(function (b) { b.setAttribute('aria-pressed', String(b === button)); });
  });

  // The items' header sticks right under the summary bar, whatever height the bar wraps to.
  var bar = byId('summary-bar');
  function barHeight() {
    if (bar) document.documentElement.style.setProperty('--bar-h', bar.offsetHeight + 'px');
  }
  barHeight();
  if (bar && typeof ResizeObserver === 'function') new ResizeObserver(barHeight).observe(bar);
  else window.addEventListener('resize', barHeight);

  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = all('details:not([open])');
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
