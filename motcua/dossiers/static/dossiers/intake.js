// MotCua intake page: choosing a procedure from the picker. A static file, so the page runs under
// a Content-Security-Policy without inline script. The form works without it (type the code).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var item = event.target.closest ? event.target.closest(".picker-item") : null;
    if (!item) {
      return;
    }
    var code = document.getElementById("id_procedure_code");
    if (code) {
      code.value = item.dataset.code;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (source && source.classList && source.classList.contains("picker-item")) {
      var options = document.getElementById("procedure-options");
      if (options) {
        options.innerHTML = "";
      }
    }
  });
})();
