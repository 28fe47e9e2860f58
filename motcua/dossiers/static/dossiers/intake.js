// MotCua intake page, keyboard first (issue 10 item 2). A static file, so the page runs under a
// Content-Security-Policy without inline script. The form works without it (type the code, the
// applicant's fields by hand).
//
// 1. The procedure picker is an ARIA 1.2 combobox (list autocomplete, no automatic selection):
//    typing asks the server for matching procedures (accents ignored), an empty box offers the
//    unit's most-used ones; ArrowDown/ArrowUp move the active option (aria-activedescendant:
//    focus stays in the box), Enter chooses it and never submits the form, Escape closes.
//    Choosing fills the procedure code, loads its checklist and moves on to the card field.
// 2. The ID-card QR field: a USB scanner types the card's QR and ends with Enter, which reads the
//    card on the server (and never submits the form) and fills the applicant's fields. The
//    counter camera (identity/counter.js) fires "motcua:qr-scanned" on the same field.
// 3. Ctrl+Enter anywhere in the form receives the dossier.
(function () {
  "use strict";

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key] !== undefined ? String(values[key]) : "";
    });
  }

  function csrfToken(form) {
    var field = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
    return field ? field.value : "";
  }

  function nextAfterProcedure() {
    return document.getElementById("id_card_qr") || document.getElementById("id_applicant_name");
  }

  function setupCombobox(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById("procedure-status");
    var code = document.getElementById("id_procedure_code");
    var checklist = document.getElementById("checklist");
    var active = -1;
    var timer = null;
    var sequence = 0;
    var loadedFor = null;
    var pending = null;

    function items() {
      return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
    }

    function isOpen() {
      return input.getAttribute("aria-expanded") === "true";
    }

    function setActive(index) {
      var options = items();
      active = index >= 0 && index < options.length ? index : -1;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
        option.classList.toggle("is-active", i === active);
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", options[active].id);
        if (options[active].scrollIntoView) {
          options[active].scrollIntoView({ block: "nearest" });
        }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (items().length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function load() {
      var query = input.value.trim();
      var mine = ++sequence;
      clearTimeout(timer);
      timer = null;
      pending = fetch(input.dataset.optionsUrl + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "HX-Request": "true" }
      }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (html) {
        if (mine !== sequence) {
          return;
        }
        list.innerHTML = html;
        loadedFor = query;
        var options = items();
        setActive(-1);
        if (options.length) {
          open();
          var mostUsed = options[0].dataset.mostUsed === "1";
          status.textContent = format(mostUsed ? input.dataset.msgMostUsed : input.dataset.msgCount, { count: options.length });
        } else {
          close();
          status.textContent = query ? input.dataset.msgNone : "";
        }
      }).catch(function () { /* offline: the code field still works */ });
      return pending;
    }

    function ready() {
      // The options for what is in the box now (a keystroke may outrun the debounce).
      if (timer !== null || loadedFor !== input.value.trim()) {
        return load();
      }
      return pending || Promise.resolve();
    }

    function choose(option) {
      code.value = option.dataset.code;
      input.value = option.dataset.code + " — " + option.dataset.name;
      loadedFor = null;
      close();
      status.textContent = format(input.dataset.msgChosen, { name: option.dataset.name });
      fetch(input.dataset.checklistUrl + "?procedure_code=" + encodeURIComponent(option.dataset.code), {
        credentials: "same-origin",
        headers: { "HX-Request": "true" }
      }).then(function (response) {
        return response.text();
      }).then(function (html) {
        checklist.innerHTML = html;
        if (window.htmx) {
          window.htmx.process(checklist);
        }
      });
      var next = nextAfterProcedure();
      if (next) {
        next.focus();
      }
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 200);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Down") {
        event.preventDefault();
        if (event.altKey) {
          ready().then(open);
          return;
        }
        ready().then(function () {
          if (!isOpen()) {
            open();
            setActive(0);
          } else {
            setActive(active + 1 < items().length ? active + 1 : 0);
          }
        });
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        event.preventDefault();
        ready().then(function () {
          var count = items().length;
          if (!isOpen()) {
            open();
            setActive(count - 1);
          } else {
            setActive(active > 0 ? active - 1 : count - 1);
          }
        });
      } else if (event.key === "Enter") {
        event.preventDefault();  // never submits the intake form
        (pending || Promise.resolve()).then(function () {
          var options = items();
          if (isOpen() && active >= 0 && options[active]) {
            choose(options[active]);
          } else if (isOpen() && options.length === 1) {
            choose(options[0]);
          }
        });
      } else if (event.key === "Escape" || event.key === "Esc") {
        if (isOpen()) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(function () {
        if (document.activeElement !== input) {
          close();
        }
      }, 150);
    });

    list.addEventListener("mousedown", function (event) {
      event.preventDefault();  // keep the focus in the box while the option is clicked
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest ? event.target.closest("[role=option]") : null;
      if (option) {
        choose(option);
      }
    });
  }

  function setupCardField(field) {
    var status = document.getElementById("card-qr-status");
    var form = field.form;

    function fill(fields) {
      Object.keys(fields).forEach(function (name) {
        var target = document.getElementById("id_" + name);
        if (target) {
          target.value = fields[name];
          target.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    }

    function next() {
      var box = document.querySelector("#checklist input[type=checkbox]:not(:checked)");
      var phone = document.getElementById("id_applicant_phone");
      return box || (phone && !phone.value ? phone : null) || form.querySelector("button[name=outcome][value=receive]");
    }

    function read() {
      var text = field.value;
      if (!text.trim()) {
        return;
      }
      var body = new FormData();
      body.append("qr_text", text);
      status.textContent = "…";
      fetch(field.dataset.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (answer) {
        if (!answer.ok) {
          field.parentElement.classList.add("field-error");
          status.textContent = answer.data.message || field.dataset.msgError;
          field.select();
          return;
        }
        field.parentElement.classList.remove("field-error");
        fill(answer.data.fields || {});
        var citizen = document.getElementById("intake-citizen");
        if (citizen && answer.data.citizen) {
          citizen.value = answer.data.citizen;
        }
        field.value = "";
        status.textContent = answer.data.message;
        var target = next();
        if (target) {
          target.focus();
        }
      }).catch(function () {
        status.textContent = field.dataset.msgError;
      });
    }

    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // the scanner's Enter reads the card; it never submits the form
        read();
      }
    });
    field.addEventListener("motcua:qr-scanned", read);
  }

  // Ctrl+Enter anywhere in the form receives the dossier (the "receive" button, as Alt+S does
  // where the browser honours accesskey): never a plain Enter in the picker or the card field.
  function setupShortcut(form) {
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        var receive = form.querySelector("button[name=outcome][value=receive]");
        if (receive) {
          event.preventDefault();
          event.stopPropagation();
          form.requestSubmit(receive);
        }
      }
    }, true);
  }

  function start() {
    var form = document.getElementById("intake-form");
    if (form) {
      setupShortcut(form);
    }
    var combobox = document.getElementById("procedure-search");
    if (combobox && combobox.getAttribute("role") === "combobox") {
      setupCombobox(combobox);
    }
    var card = document.getElementById("id_card_qr");
    if (card) {
      setupCardField(card);
    }
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
    if (form) {
      form.setAttribute("data-enhanced", "");  // the keyboard handlers are in place
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
