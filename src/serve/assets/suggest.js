// Suggestions while typing: fills the search box's <datalist> from /suggest, and opens a
// suggestion's page when one is picked. Pages are readable without this script.
(function () {
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) return;
  var urls = {};
  var timer = null;
  input.addEventListener("input", function () {
    var text = input.value;
    if (urls[text]) { window.location.href = urls[text]; return; }
    clearTimeout(timer);
    if (text.trim().length < 2) return;
    timer = setTimeout(function () {
      fetch("/suggest?q=" + encodeURIComponent(text))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          list.textContent = "";
          items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.label;
            urls[item.label] = item.url;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
