-- kpeer.declarative: the peer's declarative configuration (a small JSON subset of Kong's
-- DB-less format) and its router.
--
--   {
--     "services": [ { "id", "name", "host", "port", "protocol", "path",
--                     "routes": [...], "plugins": [...] } ],
--     "routes":   [ { "id", "name", "paths": ["/kafka"], "methods": [...], "hosts": [...],
--                     "service": "<service id or name>" | {"id": ...},
--                     "plugins": [ { "id", "name", "config": {...}, "enabled",
--                                    "instance_name" } ] } ],
--     "plugins":  [ { ..., "route": "<id|name>", "service": "<id|name>" } ]  -- else global
--   }
--
-- Plugin configs are built with kpeer.schema from the dumped schema (§2.2); all problems
-- are collected and reported together.  Plugin precedence on a route follows Kong
-- (route-scoped > service-scoped > global, one plugin per name).  Routing is by path prefix,
-- longest prefix wins (plus optional `methods` / `hosts` filters); paths starting with `~`
-- are regexes.  Entities without an `id` get a stable, name-derived UUID, so re-posting the
-- same file keeps `__plugin_id` and only `__seq__` changes (§6).

local json = require "kpeer.json"
local schema = require "kpeer.schema"
local kong_errors = require "kpeer.errors"

local null = json.null
local type = type
local ipairs = ipairs
local pairs = pairs
local tostring = tostring
local fmt = string.format
local concat = table.concat
local sort = table.sort

local _M = {}

-- Kong's default workspace id is random per installation; the peer uses a fixed one.
_M.DEFAULT_WS_ID = "0dc6f45b-8f8d-40d2-a504-473544ee190b"

local function stable_uuid(seed)
  local h = ngx.md5(seed)
  -- shape it like a version-4-ish UUID so uuid validators accept it
  return fmt("%s-%s-4%s-a%s-%s", h:sub(1, 8), h:sub(9, 12), h:sub(14, 16), h:sub(18, 20),
             h:sub(21, 32))
end

local function is_array(v)
  return type(v) == "table" and (next(v) == nil or json.is_sequence(v))
end

local function str_list(v, what, errs, ctx)
  if v == nil or v == null then
    return nil
  end
  if not is_array(v) then
    errs[#errs + 1] = fmt("%s.%s: expected an array", ctx, what)
    return nil
  end
  for i, s in ipairs(v) do
    if type(s) ~= "string" then
      errs[#errs + 1] = fmt("%s.%s.%d: expected a string", ctx, what, i)
      return nil
    end
  end
  if next(v) == nil then
    return nil
  end
  return v
end

local function ref_of(v)
  if type(v) == "table" then
    return v.id or v.name
  end
  return v
end

--- Parse + validate.  plugins_by_name: the dumped plugins (kpeer.dump.load).
--- Returns model or nil, error text.
function _M.build(text, plugins_by_name, opts)
  opts = opts or {}
  local doc, derr
  if type(text) == "table" then
    doc = text
  else
    doc, derr = json.decode(text or "")
  end
  if type(doc) ~= "table" then
    return nil, "declarative config is not valid JSON: " .. tostring(derr or "not an object")
  end

  local errs = {}
  local now = ngx.time()
  local model = {
    routes = {},
    services = {},
    services_by_ref = {},
    routes_by_ref = {},
    global_plugins = {},
    plugin_count = 0,
  }
  local pending_plugins = {} -- { def, ctx, route_ref, service_ref }

  local function add_service(s, ctx)
    if type(s) ~= "table" or is_array(s) then
      errs[#errs + 1] = ctx .. ": expected a record"
      return
    end
    local port = s.port
    if port ~= nil and (type(port) ~= "number" or port % 1 ~= 0 or port < 0 or port > 65535) then
      errs[#errs + 1] = ctx .. ".port: value should be between 0 and 65535"
    end
    local id = s.id or stable_uuid("services:" .. tostring(s.name or ctx))
    local entity = {
      id = id,
      name = s.name,
      host = s.host or "localhost",
      port = port or 80,
      protocol = s.protocol or "http",
      path = s.path,
      retries = s.retries or 5,
      connect_timeout = s.connect_timeout or 60000,
      read_timeout = s.read_timeout or 60000,
      write_timeout = s.write_timeout or 60000,
      enabled = s.enabled ~= false,
      tags = s.tags,
      created_at = now,
      updated_at = now,
      ws_id = _M.DEFAULT_WS_ID,
    }
    local svc = { id = id, name = s.name, entity = entity }
    model.services[#model.services + 1] = svc
    model.services_by_ref[id] = svc
    if s.name then
      model.services_by_ref[s.name] = svc
    end
    return svc
  end

  local function add_route(r, ctx, service_ref)
    if type(r) ~= "table" or is_array(r) then
      errs[#errs + 1] = ctx .. ": expected a record"
      return
    end
    local paths = str_list(r.paths, "paths", errs, ctx)
    if paths then
      for i, p in ipairs(paths) do
        if p:sub(1, 1) ~= "/" and p:sub(1, 1) ~= "~" then
          errs[#errs + 1] = fmt("%s.paths.%d: should start with: / (fixed path) or ~/ "
                                .. "(regex path)", ctx, i)
        end
      end
    end
    local methods = str_list(r.methods, "methods", errs, ctx)
    local hosts = str_list(r.hosts, "hosts", errs, ctx)
    local id = r.id or stable_uuid("routes:" .. tostring(r.name or ctx))
    local route = {
      id = id,
      name = r.name,
      paths = paths,
      hosts = hosts,
      service_ref = service_ref or ref_of(r.service),
      order = #model.routes + 1,
    }
    if methods then
      route.methods = {}
      for _, m in ipairs(methods) do
        route.methods[m:upper()] = true
      end
    end
    route.entity = {
      id = id,
      name = r.name,
      protocols = r.protocols or { "http", "https" },
      methods = methods,
      hosts = hosts,
      paths = paths,
      headers = r.headers,
      strip_path = r.strip_path ~= false,
      preserve_host = r.preserve_host == true,
      regex_priority = r.regex_priority or 0,
      path_handling = r.path_handling or "v0",
      https_redirect_status_code = r.https_redirect_status_code or 426,
      request_buffering = r.request_buffering ~= false,
      response_buffering = r.response_buffering ~= false,
      tags = r.tags,
      created_at = now,
      updated_at = now,
      ws_id = _M.DEFAULT_WS_ID,
    }
    model.routes[#model.routes + 1] = route
    model.routes_by_ref[id] = route
    if r.name then
      model.routes_by_ref[r.name] = route
    end
    if r.plugins ~= nil then
      if not is_array(r.plugins) then
        errs[#errs + 1] = ctx .. ".plugins: expected an array"
      else
        for i, p in ipairs(r.plugins) do
          pending_plugins[#pending_plugins + 1] = {
            def = p, ctx = fmt("%s.plugins[%d]", ctx, i), route_ref = id,
          }
        end
      end
    end
    return route
  end

  for key in pairs(doc) do
    if key ~= "services" and key ~= "routes" and key ~= "plugins"
       and key ~= "_format_version" and key ~= "_transform" then
      errs[#errs + 1] = tostring(key) .. ": unknown field"
    end
  end

  if doc.services ~= nil then
    if not is_array(doc.services) then
      errs[#errs + 1] = "services: expected an array"
    else
      for i, s in ipairs(doc.services) do
        local ctx = fmt("services[%d]", i)
        local svc = add_service(s, ctx)
        if svc then
          if s.routes ~= nil then
            if not is_array(s.routes) then
              errs[#errs + 1] = ctx .. ".routes: expected an array"
            else
              for j, r in ipairs(s.routes) do
                add_route(r, fmt("%s.routes[%d]", ctx, j), svc.id)
              end
            end
          end
          if s.plugins ~= nil then
            if not is_array(s.plugins) then
              errs[#errs + 1] = ctx .. ".plugins: expected an array"
            else
              for j, p in ipairs(s.plugins) do
                pending_plugins[#pending_plugins + 1] = {
                  def = p, ctx = fmt("%s.plugins[%d]", ctx, j), service_ref = svc.id,
                }
              end
            end
          end
        end
      end
    end
  end

  if doc.routes ~= nil then
    if not is_array(doc.routes) then
      errs[#errs + 1] = "routes: expected an array"
    else
      for i, r in ipairs(doc.routes) do
        add_route(r, fmt("routes[%d]", i))
      end
    end
  end

  if doc.plugins ~= nil then
    if not is_array(doc.plugins) then
      errs[#errs + 1] = "plugins: expected an array"
    else
      for i, p in ipairs(doc.plugins) do
        pending_plugins[#pending_plugins + 1] = {
          def = p, ctx = fmt("plugins[%d]", i),
          route_ref = type(p) == "table" and ref_of(p.route) or nil,
          service_ref = type(p) == "table" and ref_of(p.service) or nil,
        }
      end
    end
  end

  -- resolve route -> service links
  for _, route in ipairs(model.routes) do
    if route.service_ref ~= nil then
      local svc = model.services_by_ref[route.service_ref]
      if not svc then
        errs[#errs + 1] = fmt("route '%s': unknown service '%s'", tostring(route.name or route.id),
                              tostring(route.service_ref))
      else
        route.service = svc
        route.entity.service = { id = svc.id }
      end
    end
  end

  -- plugins
  local service_plugins = {}   -- service id -> name -> plugin
  local route_plugins = {}     -- route id -> name -> plugin
  for _, pp in ipairs(pending_plugins) do
    local p, ctx = pp.def, pp.ctx
    if type(p) ~= "table" or is_array(p) then
      errs[#errs + 1] = ctx .. ": expected a record"
    elseif type(p.name) ~= "string" then
      errs[#errs + 1] = ctx .. ".name: required field missing"
    else
      local info = plugins_by_name[p.name]
      local route = pp.route_ref and model.routes_by_ref[pp.route_ref]
      local svc = pp.service_ref and model.services_by_ref[pp.service_ref]
      if pp.route_ref and not route then
        errs[#errs + 1] = fmt("%s (%s): unknown route '%s'", ctx, p.name, tostring(pp.route_ref))
      elseif pp.service_ref and not svc then
        errs[#errs + 1] = fmt("%s (%s): unknown service '%s'", ctx, p.name,
                              tostring(pp.service_ref))
      elseif not info then
        -- Kong: "<name> plugin is enabled but not installed" / not in `plugins` (§1.1)
        errs[#errs + 1] = fmt("%s: plugin '%s' not enabled; no plugin server offers it "
                              .. "(known: %s)", ctx, p.name, (function()
                                local n = {}
                                for k in pairs(plugins_by_name) do n[#n + 1] = k end
                                sort(n)
                                return concat(n, ", ")
                              end)())
      else
        for k in pairs(p) do
          if k ~= "id" and k ~= "name" and k ~= "config" and k ~= "enabled"
             and k ~= "route" and k ~= "service" and k ~= "consumer"
             and k ~= "instance_name" and k ~= "protocols" and k ~= "tags" then
            errs[#errs + 1] = fmt("%s (%s).%s: unknown field", ctx, p.name, tostring(k))
          end
        end
        local conf, cerrs = schema.validate_plugin(info, p.config)
        if not conf then
          errs[#errs + 1] = fmt("%s (%s): %s", ctx, p.name, kong_errors.schema_violation(cerrs))
        else
          local route_id = route and route.id or nil
          local service_id = svc and svc.id or nil
          local plugin = {
            id = p.id or stable_uuid(fmt("plugins:%s:%s:%s", p.name, tostring(route_id),
                                         tostring(service_id))),
            name = p.name,
            info = info,
            config = conf,
            enabled = p.enabled ~= false,
            route_id = route_id,
            service_id = service_id,
            instance_name = p.instance_name,
          }
          model.plugin_count = model.plugin_count + 1
          local bucket
          if route then
            route_plugins[route.id] = route_plugins[route.id] or {}
            bucket = route_plugins[route.id]
          elseif svc then
            service_plugins[svc.id] = service_plugins[svc.id] or {}
            bucket = service_plugins[svc.id]
          else
            bucket = model.global_plugins
          end
          if bucket[p.name] then
            errs[#errs + 1] = fmt("%s: duplicate plugin '%s' on the same scope", ctx, p.name)
          else
            bucket[p.name] = plugin
          end
        end
      end
    end
  end

  if #errs > 0 then
    return nil, "declarative config is invalid: " .. concat(errs, "; ")
  end

  -- effective plugin list per route, sorted by priority (desc) then name
  for _, route in ipairs(model.routes) do
    local chosen = {}
    for name, p in pairs(model.global_plugins) do
      chosen[name] = p
    end
    if route.service then
      for name, p in pairs(service_plugins[route.service.id] or {}) do
        chosen[name] = p
      end
    end
    for name, p in pairs(route_plugins[route.id] or {}) do
      chosen[name] = p
    end
    local list = {}
    for _, p in pairs(chosen) do
      if p.enabled then
        list[#list + 1] = p
      end
    end
    sort(list, function(a, b)
      if a.info.priority ~= b.info.priority then
        return a.info.priority > b.info.priority
      end
      return a.name < b.name
    end)
    route.plugins = list
  end

  return model
end

----------------------------------------------------------------------------------------
-- router
----------------------------------------------------------------------------------------

local function host_matches(patterns, host)
  if not host then
    return false
  end
  host = host:lower()
  for _, h in ipairs(patterns) do
    h = h:lower()
    if h == host then
      return true
    end
    if h:sub(1, 2) == "*." and host:sub(-(#h - 1)) == h:sub(2) then
      return true
    end
    if h:sub(-2) == ".*" and host:sub(1, #h - 1) == h:sub(1, -2) then
      return true
    end
  end
  return false
end

--- Kong's uri_captures of a regex match: named groups by name, the numbered groups in order
--- (Kong also keeps the whole match at index 0, which a Lua sequence cannot hold).
local function captures(m)
  local unnamed, named = {}, {}
  for k, v in pairs(m) do
    if type(k) == "string" then
      named[k] = v
    end
  end
  for i = 1, #m do
    unnamed[i] = m[i]
  end
  return { unnamed = unnamed, named = named }
end

--- longest matching path (length) and, for a regex path with groups, its captures; or nil
local function path_match_len(paths, path)
  if not paths then
    return 0
  end
  local best, caps
  for _, p in ipairs(paths) do
    if p:sub(1, 1) == "~" then
      local m = ngx.re.match(path, "^(?:" .. p:sub(2) .. ")", "jo")
      if m and (not best or #m[0] > best) then
        best = #m[0]
        caps = m[1] ~= nil and captures(m) or nil
      end
    elseif path:sub(1, #p) == p then
      if not best or #p > best then
        best, caps = #p, nil
      end
    end
  end
  return best, caps
end

--- Find the route for a request; returns the route, the matched path length and the path's
--- captures (nil unless a regex path with groups matched), or nil.
function _M.match(model, method, host, path)
  local best, best_len, best_weight, best_caps
  for _, route in ipairs(model.routes) do
    if (not route.methods or route.methods[method])
       and (not route.hosts or host_matches(route.hosts, host)) then
      local len, caps = path_match_len(route.paths, path)
      if len then
        local weight = (route.hosts and 2 or 0) + (route.methods and 1 or 0)
        if not best or len > best_len or (len == best_len and weight > best_weight) then
          best, best_len, best_weight, best_caps = route, len, weight, caps
        end
      end
    end
  end
  return best, best_len, best_caps
end

return _M
