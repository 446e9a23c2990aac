-- Rotate through the kinds of request front-end apps make; every thread starts elsewhere.
local paths = {
  "/api/v1/events?limit=20&sort=date",
  "/api/v1/events?year=2020&type=initiative",
  "/api/v1/events/global-initiative-on-data-security-launch",
  "/api/v1/events?q=surveillance%20OR%20backdoors",
  "/api/v1/events/facets?year=2020",
  "/api/v1/tags",
  "/api/v1/events.ics",
}
local counter = 0
function init(args)
  counter = math.random(#paths)
end
function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
