-- kpeer: a Kong-3.x-like gateway runloop around external plugins, on Debian nginx + lua.
--
-- Phases (nginx directives in conf/nginx.conf):
--   init_by_lua        _M.init()          options, plugin dumps (§1.3), declarative config
--   init_worker_by_lua _M.init_worker()   one Rpc object per plugin per worker (§4.2)
--   access_by_lua      _M.access()        router, plugins' access handlers (§5.3-§5.4)
--   balancer_by_lua    _M.balancer()      proxying for routes that have a service
--   header_filter      _M.header_filter() Kong-ish response headers
--   log_by_lua         _M.log()           log handlers in ngx.timer.at(0) (§7.1)
--   content (/__peer/) _M.control()       control endpoints (kpeer.control)
--
-- Every protocol behaviour cites the section of kong-pluginserver-protocol.md it follows;
-- see README.md next to this directory for the full table.

local cjson = require "cjson.safe"
local json = require "kpeer.json"
local dump = require "kpeer.dump"
local declarative = require "kpeer.declarative"
local rpc_mod = require "kpeer.rpc"
local instances = require "kpeer.instances"
local bridge = require "kpeer.bridge"
local pdk = require "kpeer.pdk"
local stats = require "kpeer.stats"
local clone = require "table.clone"
local get_ctx_table = require("resty.core.ctx").get_ctx_table

local ngx = ngx
local raw_log = require("ngx.errlog").raw_log
local shm = ngx.shared.kpeer
local type = type
local pairs = pairs
local ipairs = ipairs
local tostring = tostring
local fmt = string.format
local coroutine_create = coroutine.create
local coroutine_resume = coroutine.resume
local coroutine_running = coroutine.running

local _M = {
  options = nil,     -- peer.json
  plugins = nil,     -- name -> plugin info from the dumps
  runtime = {},      -- name -> { name, info, rpc }  (per worker)
}

local kong_major = 3

----------------------------------------------------------------------------------------
-- init (master / single process; before cosockets exist)
----------------------------------------------------------------------------------------

local function read_file(path)
  local f, err = io.open(path, "rb")
  if not f then
    return nil, err
  end
  local s = f:read("*a")
  f:close()
  return s
end

local function abs_path(prefix, p)
  if p:sub(1, 1) == "/" then
    return p
  end
  return prefix .. p
end

local function gen_uuid(seed)
  local h = ngx.md5(seed)
  return fmt("%s-%s-4%s-8%s-%s", h:sub(1, 8), h:sub(9, 12), h:sub(14, 16), h:sub(18, 20),
             h:sub(21, 32))
end

function _M.init()
  local prefix = ngx.config.prefix()
  if prefix:sub(-1) ~= "/" then
    prefix = prefix .. "/"
  end
  local opts_path = prefix .. "conf/peer.json"
  local text, err = read_file(opts_path)
  if not text then
    error("kpeer: cannot read " .. opts_path .. ": " .. tostring(err), 0)
  end
  local opts = cjson.decode(text)
  if type(opts) ~= "table" then
    error("kpeer: " .. opts_path .. " is not a JSON object", 0)
  end

  -- kong_version: "3.9" (default, any 3.x) or "2.x"/"2.8" (§9 version differences)
  local kv = tostring(opts.kong_version or "3.9")
  kong_major = tonumber(kv:match("^(%d+)")) or 3
  if kong_major ~= 2 and kong_major ~= 3 then
    error("kpeer: kong_version must be 2.x or 3.x, got " .. kv, 0)
  end
  opts.kong_major = kong_major
  opts.kong_version_full = kong_major >= 3 and "3.9.3" or "2.8.5"

  if type(opts.pluginservers) ~= "table" or opts.pluginservers[1] == nil then
    error("kpeer: peer.json needs a non-empty 'pluginservers' array", 0)
  end
  for i, s in ipairs(opts.pluginservers) do
    if type(s.socket) ~= "string" then
      error(fmt("kpeer: pluginservers[%d] needs a 'socket' path", i), 0)
    end
    s.name = s.name or ("pluginserver" .. i)
  end

  local hostname = read_file("/proc/sys/kernel/hostname")
  opts.hostname = opts.hostname or (hostname and hostname:gsub("%s+$", "")) or "localhost"
  opts.node_id = opts.node_id or gen_uuid(prefix .. tostring(ngx.now()) .. tostring(math.random()))

  _M.options = opts
  pdk.configure({
    kong_major = kong_major,
    kong_version = opts.kong_version_full,
    node_id = opts.node_id,
    hostname = opts.hostname,
    trusted_ips = opts.trusted_ips or {},
  })
  instances.configure(opts)
  bridge.configure(opts)

  -- §1.3: query every server (io.popen, stdout JSON); failures stop nginx with the reason
  _M.plugins = dump.load(opts.pluginservers, kong_major)

  -- declarative config: validate now so a bad file refuses to start (§2.2)
  local decl_text = "{}"
  if opts.declarative_config then
    local p = abs_path(prefix, opts.declarative_config)
    decl_text, err = read_file(p)
    if not decl_text then
      error("kpeer: cannot read declarative config " .. p .. ": " .. tostring(err), 0)
    end
  end
  local model, derr = declarative.build(decl_text, _M.plugins)
  if not model then
    error("kpeer: " .. derr, 0)
  end
  local ok, serr = shm:set("config_text", decl_text)
  if not ok then
    error("kpeer: cannot store the declarative config in lua_shared_dict kpeer: " .. serr, 0)
  end
  shm:incr("config_version", 1, 0)
  shm:set("node_id", opts.node_id)
end

----------------------------------------------------------------------------------------
-- per worker state
----------------------------------------------------------------------------------------

function _M.init_worker()
  local rpcs_by_server = {}
  for name, info in pairs(_M.plugins) do
    local rpc
    if kong_major >= 3 then
      rpc = rpc_mod.new(name, info.server.socket)                 -- 3.9: one per plugin
    else
      rpc = rpcs_by_server[info.server.name] or rpc_mod.new(info.server.name, info.server.socket)
      rpcs_by_server[info.server.name] = rpc                      -- ≤3.8: one per server
    end
    _M.runtime[name] = { name = name, info = info, rpc = rpc }
  end
  shm:set("worker:" .. ngx.worker.pid(), ngx.worker.id() or 0)
end

local current = { version = nil, model = nil }
local local_seq = 0

-- plugins_iterator.lua get_plugin_config: inject route_id/service_id/consumer_id,
-- plugin_instance_name (3.2+), __plugin_id (3.3+), __ws_id (3.9), __key__ and __seq__
-- (a shared-dict counter since 3.6, per worker before) (§2.3, §6)
local function inject(p)
  local cfg = p.config
  cfg.route_id = p.route_id
  cfg.service_id = p.service_id
  cfg.consumer_id = nil
  local ws = declarative.DEFAULT_WS_ID
  local key = fmt("plugins:%s:%s:%s:%s:%s", p.name, p.route_id or "", p.service_id or "", "",
                  kong_major >= 3 and ws or "")
  if kong_major >= 3 then
    cfg.plugin_instance_name = p.instance_name
    cfg.__plugin_id = p.id
    cfg.__ws_id = ws
    local seq, err = shm:incr("plugins_iterator:__seq__", 1, 0, 0)
    if not seq then
      ngx.log(ngx.ERR, "[kpeer] cannot increment __seq__: ", err)
      seq = 0
    end
    cfg.__seq__ = seq
    p.key = p.id
  else
    local_seq = local_seq + 1
    cfg.__seq__ = local_seq
    p.key = key
  end
  cfg.__key__ = key
  p.conf = cfg
  local encoded, err = json.encode(cfg)
  if not encoded then
    error("cannot encode config of plugin " .. p.name .. ": " .. tostring(err))
  end
  p.conf_json = encoded
end

--- the current model; rebuilt (with new __seq__ values) when the config version changes
local function refresh()
  local v = shm:get("config_version")
  if v == current.version then
    return current.model
  end
  local model, err = declarative.build(shm:get("config_text") or "{}", _M.plugins)
  if not model then
    ngx.log(ngx.CRIT, "[kpeer] stored declarative config is invalid, keeping the previous "
            .. "one: ", err)
    current.version = v
    return current.model
  end
  local done = {}
  for _, route in ipairs(model.routes) do
    for _, p in ipairs(route.plugins) do
      if not done[p] then
        done[p] = true
        inject(p)
      end
    end
  end
  current = { version = v, model = model }
  stats.incr("config_builds")
  return model
end
_M.refresh = refresh

----------------------------------------------------------------------------------------
-- access
----------------------------------------------------------------------------------------

local function run_event(p, phase)
  local runtime = _M.runtime[p.name]
  return bridge.handle_event(runtime, p.conf, p.conf_json, p.key, phase)
end

local function escape_path(path)
  return (path:gsub("[^%w%-%._~/!$&'()*+,;=:@]", function(c)
    return fmt("%%%02X", c:byte())
  end))
end

local function setup_proxy(ctx, route, matched_len)
  local svc = route.service.entity
  local target = ctx.kpeer_target or { host = svc.host, port = svc.port }
  if target.host == "localhost" then
    target = { host = "127.0.0.1", port = target.port }
  end
  ctx.kpeer_balancer = target
  local path = ctx.kpeer_upstream_path
  if not path then
    local uri = pdk.normalize_path(ngx.var.uri or "/")
    if route.entity.strip_path and matched_len and matched_len > 0 then
      uri = uri:sub(matched_len + 1)
    end
    local base = svc.path or "/"
    if uri == "" then
      path = base
    elseif base:sub(-1) == "/" and uri:sub(1, 1) == "/" then
      path = base .. uri:sub(2)
    elseif base:sub(-1) ~= "/" and uri:sub(1, 1) ~= "/" then
      path = base .. "/" .. uri
    else
      path = base .. uri
    end
  end
  local args = ngx.var.args
  ngx.var.kpeer_upstream_uri = escape_path(path) .. ((args and args ~= "") and ("?" .. args) or "")
  ngx.var.kpeer_upstream_scheme = ctx.kpeer_upstream_scheme or svc.protocol or "http"
  local host = ctx.kpeer_upstream_host
  if not host then
    if route.entity.preserve_host then
      host = ngx.var.http_host or ngx.var.host
    else
      host = svc.host
      if svc.port ~= 80 and svc.port ~= 443 then
        host = host .. ":" .. svc.port
      end
    end
  end
  ngx.var.kpeer_upstream_host = host
  ctx.KONG_PROXIED = true
end

function _M.access()
  local ctx = ngx.ctx
  ctx.KONG_PROCESSING_START = ngx.req.start_time() * 1000
  ctx.KONG_PHASE = "access"
  stats.incr("requests")

  local model = refresh()
  local route, matched_len, uri_captures
  if model then
    route, matched_len, uri_captures = declarative.match(model, ngx.req.get_method(), ngx.var.host,
                                                         ngx.var.uri)
  end
  if not route then
    stats.incr("no_route")
    -- Kong's router miss
    return pdk.kong.response.error(404, "no Route matched with those values")
  end
  ctx.route = route
  ctx.uri_captures = uri_captures

  -- Kong's access phase: each handler in its own coroutine
  -- with delay_response set; a raised error becomes a delayed 500 (§4.5, §5.4)
  ctx.delay_response = true
  for _, p in ipairs(route.plugins) do
    if ctx.delayed_response then
      break
    end
    if p.info.phases.access then
      ctx.plugin_id = p.id
      ctx.plugin_name = p.name
      local co = coroutine_create(run_event)
      local ok, err = coroutine_resume(co, p, "access")
      if not ok then
        stats.incr("handler_aborts")
        raw_log(ngx.ERR, "[kong] [" .. p.name .. "] " .. tostring(err))
        ctx.delayed_response = {
          status_code = 500,
          content = { message = "An unexpected error occurred" },
        }
        ctx.KONG_UNEXPECTED = true
      end
      ctx.plugin_id = nil
      ctx.plugin_name = nil
    end
  end
  ctx.delay_response = nil

  if ctx.delayed_response then
    stats.incr("exits")
    return pdk.flush_delayed(ctx)
  end

  if not route.service then
    -- Kong's access phase for a service-less route
    stats.incr("serviceless")
    ctx.KONG_EXITED = true
    return pdk.send(503, { message = "no Service found with those values" })
  end

  setup_proxy(ctx, route, matched_len)
end

function _M.balancer()
  local balancer = require "ngx.balancer"
  local t = ngx.ctx.kpeer_balancer
  if not t then
    return ngx.exit(500)
  end
  local ok, err = balancer.set_current_peer(t.host, t.port)
  if not ok then
    ngx.log(ngx.ERR, "[kpeer] cannot set upstream peer ", t.host, ":", t.port, ": ", err,
            " (the peer needs an IP address or 'localhost' as service host)")
    return ngx.exit(502)
  end
end

----------------------------------------------------------------------------------------
-- header_filter
----------------------------------------------------------------------------------------

function _M.header_filter()
  local ctx = ngx.ctx
  local opts = _M.options
  if kong_major >= 3 then
    ngx.header["X-Kong-Request-Id"] = pdk.request_id()
  end
  if not ctx.KONG_PROXIED then
    ngx.header["Server"] = "kong/" .. opts.kong_version_full
    local start = ctx.KONG_PROCESSING_START or ngx.req.start_time() * 1000
    ngx.header["X-Kong-Response-Latency"] = math.floor(ngx.now() * 1000 - start)
  else
    ngx.header["Via"] = "1.1 kong/" .. opts.kong_version_full
  end
  if opts.debug_headers then
    ngx.header["X-Kpeer-Rpc-Calls"] = ctx.kpeer_rpc_calls or 0
    ngx.header["X-Kpeer-Pdk-Calls"] = ctx.kpeer_pdk_calls or 0
    ngx.header["X-Kpeer-Worker-Pid"] = ngx.worker.pid()
  end
end

----------------------------------------------------------------------------------------
-- log: Kong's build_phases "log" closure (§7.1)
----------------------------------------------------------------------------------------

local function log_timer(premature, p, saved)
  if premature then
    return
  end
  get_ctx_table(saved.ngx_ctx)
  local co = coroutine_running()
  pdk.req_data[co] = saved
  local ok, err = pcall(run_event, p, "log")
  pdk.req_data[co] = nil
  if not ok then
    stats.incr("log_handler_aborts")
    raw_log(ngx.ERR, "[kong] [" .. p.name .. "] log phase handler aborted: " .. tostring(err))
  end
end

function _M.log()
  local ctx = ngx.ctx
  stats.incr_group("status", ngx.status)
  if ctx.kpeer_rpc_calls then
    stats.incr("rpc_calls_in_requests", ctx.kpeer_rpc_calls)
  end
  local route = ctx.route
  if not route then
    return
  end
  ctx.KONG_PHASE = "log"
  for _, p in ipairs(route.plugins) do
    if p.info.phases.log then
      ctx.plugin_id = p.id
      ctx.plugin_name = p.name
      local saved = {
        plugin_name = p.name,
        serialize_data = pdk.serialize(),
        ngx_ctx = clone(ctx),
        ctx_shared = pdk.shared_ctx(),
        request_headers = ngx.req.get_headers(),
        response_headers = ngx.resp.get_headers(),
        response_status = ngx.status,
        req_start_time = ngx.req.start_time(),
      }
      local ok, err = ngx.timer.at(0, log_timer, p, saved)
      if not ok then
        ngx.log(ngx.ERR, "[kpeer] cannot create log timer: ", err)
      end
      stats.incr("log_events")
    end
  end
  ctx.plugin_id = nil
  ctx.plugin_name = nil
end

----------------------------------------------------------------------------------------
-- control endpoints
----------------------------------------------------------------------------------------

function _M.control()
  return require("kpeer.control").handle(_M)
end

return _M
