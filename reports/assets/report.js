// Filter failed/errored items and open every evidence block before printing.
(function () {
  var box = document.getElementById('failed-only');
  var empty = document.getElementById('filter-empty');
  var items = Array.prototype.slice.call(document.querySelectorAll('tbody.item'));
  function apply() {
    var only = box && box.checked;
    var shown = 0;
    items.forEach(function (item) {
      var hide = only && item.getAttribute('data-failing') !== 'true';
      item.hidden = hide;
      if (!hide) shown++;
    });
    if (empty) empty.hidden = !(only && shown === 0);
  }
  if (box) box.addEventListener('change', apply);
  if (location.hash === '#failed') { if (box) box.checked = true; }
  apply();
  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.slice.call(document.querySelectorAll('details:not([open])'));
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
