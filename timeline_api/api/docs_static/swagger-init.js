// Starts Swagger UI from a file rather than an inline script, so the page satisfies a
// Content-Security-Policy without 'unsafe-inline' scripts. Settings come from data-*.
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui-container");
  var config = JSON.parse(container.dataset.config || "{}");
  config.url = container.dataset.specUrl;
  config.dom_id = "#swagger-ui-container";
  window.ui = SwaggerUIBundle(config);
});
