// MotCua counter: camera helpers. Progressive enhancement only: every form works without it
// (USB scanner into the text field, or a photo upload decoded on the server).
(function () {
  "use strict";

  function stopStream(video) {
    if (video.srcObject) {
      video.srcObject.getTracks().forEach(function (t) { t.stop(); });
      video.srcObject = null;
    }
  }

  function startCamera(box, facing) {
    var video = box.querySelector("video");
    var status = box.querySelector("[data-camera-status]");
    return navigator.mediaDevices.getUserMedia({ video: { facingMode: facing }, audio: false }).then(function (stream) {
      video.srcObject = stream;
      return video.play().then(function () { return video; });
    }).catch(function (err) {
      status.textContent = (box.dataset.msgError || "Camera unavailable: ") + err.name;
      throw err;
    });
  }

  function setupQr(box) {
    if (!("BarcodeDetector" in window)) { return; }
    box.hidden = false;
    var target = document.getElementById(box.dataset.target);
    var status = box.querySelector("[data-camera-status]");
    box.querySelector("[data-camera-start]").addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      startCamera(box, "environment").then(function (video) {
        status.textContent = "…";
        var timer = setInterval(function () {
          detector.detect(video).then(function (codes) {
            if (codes.length && codes[0].rawValue) {
              clearInterval(timer);
              stopStream(video);
              target.value = codes[0].rawValue;
              if (box.dataset.onScan === "event") {
                // A page that reads the card itself (the intake page) listens; its form is not submitted.
                target.dispatchEvent(new CustomEvent("motcua:qr-scanned", { bubbles: true }));
              } else {
                target.form.requestSubmit();
              }
            }
          }).catch(function () { /* keep trying */ });
        }, 250);
      }).catch(function () {});
    });
  }

  function setupFace(box) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof DataTransfer === "undefined") { return; }
    box.hidden = false;
    var input = document.getElementById(box.dataset.target);
    var capture = box.querySelector("[data-camera-capture]");
    var videoEl = null;
    box.querySelector("[data-camera-start]").addEventListener("click", function () {
      startCamera(box, "user").then(function (video) { videoEl = video; capture.disabled = false; }).catch(function () {});
    });
    capture.addEventListener("click", function () {
      if (!videoEl) { return; }
      var canvas = document.createElement("canvas");
      canvas.width = videoEl.videoWidth; canvas.height = videoEl.videoHeight;
      canvas.getContext("2d").drawImage(videoEl, 0, 0);
      stopStream(videoEl);
      canvas.toBlob(function (blob) {
        var transfer = new DataTransfer();
        transfer.items.add(new File([blob], "camera.jpg", { type: "image/jpeg" }));
        input.files = transfer.files;
        canvas.width = canvas.height = 0;  // the frame leaves the page with the form, nowhere else
        input.form.requestSubmit();
      }, "image/jpeg", 0.92);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-camera='qr']").forEach(setupQr);
    document.querySelectorAll("[data-camera='face']").forEach(setupFace);
  });
})();
