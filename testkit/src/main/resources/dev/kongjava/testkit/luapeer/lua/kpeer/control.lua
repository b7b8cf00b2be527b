-- kpeer.control: the peer's own endpoints under /__peer/ (never routed to plugins).
--
--   GET    /__peer/health      {"status":"ok", ...}
--   GET    /__peer/stats       counters summed over workers (kpeer.stats)
--   DELETE /__peer/stats       reset the counters
--   GET    /__peer/config      the current declarative config (JSON text)
--   POST   /__peer/config      replace it: validated like at startup; on success the
--                              shared version is bumped, every worker rebuilds its plugin
--                              configs with new __seq__ values (3.6+ shared counter, §6)
--                              and the next request per worker starts new instances and
--                              closes the old ones.  400 + message when invalid.
--   POST   /__peer/schemas/plugins/validate
--                              {"name": ..., "config": {...}} validated as Kong's Admin API
--                              POST /schemas/plugins/validate (and every plugin write) does:
--                              200 {"message":"schema validation successful"} or 400 with Kong's
--                              schema violation body {"code":2,"name":"schema violation",
--                              "message":...,"fields":{...}}. Only name and config are checked.
--   GET    /__peer/plugins     what the dumps offered (name, priority, version, phases, schema)
--   GET    /__peer/instances   each worker's cached instances (diagnostics)

local cjson = require "cjson.safe"
local declarative = require "kpeer.declarative"
local schema = require "kpeer.schema"
local kong_errors = require "kpeer.errors"
local stats = require "kpeer.stats"

local ngx = ngx
local shm = ngx.shared.kpeer

local _M = {}

local function reply(status, body)
  ngx.status = status
  ngx.header["Content-Type"] = "application/json"
  if type(body) == "table" then
    body = cjson.encode(body)
  end
  ngx.print(body)
  return ngx.exit(status)
end

local function read_body()
  ngx.req.read_body()
  local body = ngx.req.get_body_data()
  if body then
    return body
  end
  local file = ngx.req.get_body_file()
  if not file then
    return ""
  end
  local f, err = io.open(file, "rb")
  if not f then
    return nil, err
  end
  body = f:read("*a")
  f:close()
  return body
end

-- Kong's plugins entity picks the plugin's schema by `name` (subschema_key); without one there is
-- nothing else to check (Kong's plugins entity and its validation)
local function validate_plugin(peer, entity)
  local errors
  if entity.name == nil or entity.name == cjson.null then
    errors = { name = "required field missing" }
  elseif type(entity.name) ~= "string" or not peer.plugins[entity.name] then
    errors = { name = string.format("plugin '%s' not enabled; add it to the 'plugins' configuration "
                                    .. "property", tostring(entity.name)) }
  else
    local _, config_errors = schema.validate_plugin(peer.plugins[entity.name], entity.config)
    errors = config_errors
  end
  if errors then
    return reply(400, kong_errors.schema_violation_body(errors))
  end
  return reply(200, { message = "schema validation successful" })
end

function _M.handle(peer)
  local method = ngx.req.get_method()
  local path = ngx.var.uri:gsub("/+$", "")

  if path == "/__peer/health" then
    return reply(200, {
      status = "ok",
      pid = ngx.worker.pid(),
      worker_count = ngx.worker.count(),
      kong_version = peer.options.kong_version_full,
      config_version = shm:get("config_version"),
      node_id = peer.options.node_id,
    })

  elseif path == "/__peer/stats" then
    if method == "DELETE" then
      stats.reset()
      return reply(200, { status = "reset" })
    end
    ngx.status = 200
    ngx.header["Content-Type"] = "application/json"
    ngx.print(stats.json())
    return ngx.exit(200)

  elseif path == "/__peer/config" then
    if method == "GET" then
      ngx.header["Content-Type"] = "application/json"
      ngx.print(shm:get("config_text") or "{}")
      return ngx.exit(200)
    elseif method == "POST" or method == "PUT" then
      local body, err = read_body()
      if not body then
        return reply(500, { message = "cannot read request body: " .. tostring(err) })
      end
      local model, berr = declarative.build(body, peer.plugins)
      if not model then
        return reply(400, { message = berr, name = "invalid declarative configuration" })
      end
      local ok, serr = shm:set("config_text", body)
      if not ok then
        return reply(500, { message = "cannot store config: " .. tostring(serr) })
      end
      local version = shm:incr("config_version", 1, 0)
      stats.incr("reconfigures")
      ngx.log(ngx.NOTICE, "[kpeer] declarative config replaced, version ", version)
      return reply(201, { version = version, routes = #model.routes,
                          plugins = model.plugin_count })
    end
    return reply(405, { message = "Method not allowed" })

  elseif path == "/__peer/schemas/plugins/validate" then
    if method ~= "POST" then
      return reply(405, { message = "Method not allowed" })
    end
    local body, err = read_body()
    local entity = body and cjson.decode(body)
    if type(entity) ~= "table" then
      return reply(400, { message = "Cannot parse JSON body: " .. tostring(err or "not an object") })
    end
    return validate_plugin(peer, entity)

  elseif path == "/__peer/plugins" then
    local out = {}
    for name, info in pairs(peer.plugins) do
      out[#out + 1] = {
        name = name, priority = info.priority, version = info.version,
        phases = info.phase_list, schema = info.schema, server = info.server.name,
        socket = info.server.socket,
      }
    end
    return reply(200, out)

  elseif path == "/__peer/instances" then
    local out = {}
    for _, key in ipairs(shm:get_keys(0)) do
      local pid = key:match("^instances:(%d+)$")
      if pid then
        out[pid] = cjson.decode(shm:get(key) or "[]")
      end
    end
    return reply(200, out)
  end

  return reply(404, { message = "unknown peer endpoint" })
end

return _M
