-- kpeer.pdk: the `kong.*` functions external plugins call over RPC, implemented on the
-- real ngx APIs the way Kong 3.9's PDK does (doc §7.1 inventory, §7.2 table).  Return
-- values keep Kong's (value, err) convention; the bridge decides what goes on the wire.
--
-- Phase rules (§7.1): these run in the `access` phase (inside the plugin coroutine) or in
-- the `log` phase timer.  Functions that need the live request (ngx.var, ngx.req.*) raise
-- in the timer exactly like in Kong ("API disabled in the context of ngx.timer"); the
-- `exposed` overrides at the end serve the snapshot taken before the timer (§7.1).

local cjson = require "cjson.safe"
local json = require "kpeer.json"
local errlog = require "ngx.errlog"
local clone = require "table.clone"

local ngx = ngx
local var = ngx.var
local req = ngx.req
local type = type
local pairs = pairs
local ipairs = ipairs
local tostring = tostring
local tonumber = tonumber
local error = error
local fmt = string.format
local find = string.find
local sub = string.sub
local lower = string.lower
local concat = table.concat
local raw_log = errlog.raw_log
local coroutine_running = coroutine.running
local coroutine_yield = coroutine.yield

local _M = {}

local opts = {
  kong_major = 3,
  kong_version = "3.9.3",
  node_id = "00000000-0000-4000-8000-000000000000",
  hostname = "localhost",
  trusted_ips = {},
}

function _M.configure(o)
  for k, v in pairs(o) do
    opts[k] = v
  end
end

--- log-phase snapshots, keyed by the timer's coroutine (plugin.lua `req_data`)
local req_data = {}
_M.req_data = req_data

local function get_saved_req_data()
  return req_data[coroutine_running()]
end
_M.get_saved_req_data = get_saved_req_data

-- Kong's PDK phase checker: a PDK function called in a phase it
-- does not support raises "function cannot be called in <phase> phase (only in: ...)"
local function check_phase(allowed)
  local phase = ngx.ctx.KONG_PHASE
  if phase and not allowed[phase] then
    local names = {}
    for k in pairs(allowed) do
      if k ~= "_list" then
        names[#names + 1] = k
      end
    end
    table.sort(names)
    error(fmt("function cannot be called in %s phase (only in: %s)", phase,
              concat(names, ", ")), 3)
  end
end

local ACCESS_ONLY = { rewrite = true, access = true, response = true, error = true,
                      admin_api = true }
local REWRITE_ACCESS_HEADER = { rewrite = true, access = true, header_filter = true,
                                response = true, error = true, admin_api = true }
local HEADER_BODY_LOG = { response = true, header_filter = true, body_filter = true,
                          log = true, error = true, admin_api = true }

----------------------------------------------------------------------------------------
-- kong.log
----------------------------------------------------------------------------------------

local LEVELS = {
  debug = ngx.DEBUG, info = ngx.INFO, notice = ngx.NOTICE, warn = ngx.WARN,
  err = ngx.ERR, crit = ngx.CRIT, alert = ngx.ALERT, emerg = ngx.EMERG,
}

local function log_args(...)
  local n = select("#", ...)
  local parts = {}
  for i = 1, n do
    local v = select(i, ...)
    if type(v) == "table" then
      local s = cjson.encode(v)
      parts[i] = s or tostring(v)
    else
      parts[i] = tostring(v)
    end
  end
  return concat(parts)
end

local function namespaced(msg)
  local ctx = ngx.ctx
  local saved = get_saved_req_data()
  local plugin_name = (saved and saved.plugin_name) or (ctx and ctx.plugin_name)
  if plugin_name then
    return "[kong] [" .. plugin_name .. "] " .. msg
  end
  return "[kong] " .. msg
end

local log = {}
for name, level in pairs(LEVELS) do
  log[name] = function(...)
    raw_log(level, namespaced(log_args(...)))
  end
end
log.inspect = setmetatable({}, { __call = function() end })
function log.deprecation(...)
  raw_log(ngx.WARN, namespaced(log_args(...)))
end
function log.set_serialize_value(key, value)
  if type(key) ~= "string" then
    error("key must be a string", 2)
  end
  local ctx = ngx.ctx
  ctx.serialize_values = ctx.serialize_values or {}
  ctx.serialize_values[key] = value
end
setmetatable(log, {
  -- `kong.log(...)` is a notice-level log
  __call = function(_, ...)
    raw_log(ngx.NOTICE, namespaced(log_args(...)))
  end,
})

----------------------------------------------------------------------------------------
-- kong.ip / kong.client
----------------------------------------------------------------------------------------

local function ipv4_to_int(ip)
  local a, b, c, d = ip:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  if not a then
    return nil
  end
  return ((tonumber(a) * 256 + tonumber(b)) * 256 + tonumber(c)) * 256 + tonumber(d)
end

local ip = {}
function ip.is_trusted(addr)
  if type(addr) ~= "string" then
    return false
  end
  for _, cidr in ipairs(opts.trusted_ips or {}) do
    if cidr == "0.0.0.0/0" or cidr == "::/0" or cidr == addr then
      return true
    end
    local net, bits = cidr:match("^([%d%.]+)/(%d+)$")
    local a, n = ipv4_to_int(addr), net and ipv4_to_int(net)
    if a and n then
      local size = 2 ^ (32 - tonumber(bits))
      if math.floor(a / size) == math.floor(n / size) then
        return true
      end
    end
  end
  return false
end

local client = {}
function client.get_ip()
  return var.realip_remote_addr or var.remote_addr
end
function client.get_forwarded_ip()
  return var.remote_addr
end
function client.get_port()
  return tonumber(var.realip_remote_port or var.remote_port, 10)
end
function client.get_forwarded_port()
  return tonumber(var.remote_port, 10)
end
function client.get_protocol(allow_terminated)
  local route = ngx.ctx.route
  if route and route.entity.protocols and #route.entity.protocols == 1 then
    return route.entity.protocols[1]
  end
  return var.scheme
end
function client.get_credential()
  return ngx.ctx.authenticated_credential
end
function client.get_consumer()
  return ngx.ctx.authenticated_consumer
end
function client.load_consumer(consumer_id, search_by_username)
  return nil, "consumers are not supported by this peer"
end
function client.authenticate(consumer, credential)
  if consumer == nil and credential == nil then
    error("either credential or consumer must be provided", 2)
  end
  local ctx = ngx.ctx
  ctx.authenticated_consumer = consumer
  ctx.authenticated_credential = credential
end
function client.get_consumer_groups()
  return nil
end

----------------------------------------------------------------------------------------
-- kong.request
----------------------------------------------------------------------------------------

local request = {}

local function check_max(value, name, lo, hi)
  if value ~= nil then
    if type(value) ~= "number" then
      error(name .. " must be a number", 3)
    elseif value < lo then
      error(name .. " must be >= " .. lo, 3)
    elseif value > hi then
      error(name .. " must be <= " .. hi, 3)
    end
  end
end

function request.get_scheme()
  return var.scheme
end
function request.get_host()
  return var.host
end
function request.get_port()
  return tonumber(var.server_port, 10)
end
function request.get_http_version()
  return req.http_version()
end
function request.get_method()
  return req.get_method()
end

function request.get_raw_path()
  local uri = var.request_uri or ""
  local s = find(uri, "?", 2, true)
  return s and sub(uri, 1, s - 1) or uri
end

-- Kong's `normalize(path, true)`: decode percent-encoded unreserved characters, upper-case
-- the remaining escapes, resolve dot segments and merge slashes.
local function normalize_path(path)
  path = path:gsub("%%(%x%x)", function(hex)
    local c = string.char(tonumber(hex, 16))
    if c:match("[%w%-%._~]") then
      return c
    end
    return "%" .. hex:upper()
  end)
  path = path:gsub("//+", "/")
  local out = {}
  local trailing = path:sub(-1) == "/"
  for seg in path:gmatch("[^/]+") do
    if seg == ".." then
      out[#out] = nil
    elseif seg ~= "." then
      out[#out + 1] = seg
    end
  end
  local res = "/" .. concat(out, "/")
  if trailing and res ~= "/" then
    res = res .. "/"
  end
  return res
end
_M.normalize_path = normalize_path

function request.get_path()
  return normalize_path(request.get_raw_path())
end
function request.get_path_with_query()
  return var.request_uri or ""
end
function request.get_raw_query()
  return var.args or ""
end

function request.get_query(max_args)
  check_max(max_args, "max_args", 1, 1000)
  return req.get_uri_args(max_args)
end

function request.get_query_arg(name)
  if type(name) ~= "string" then
    error("query argument name must be a string", 2)
  end
  local v = request.get_query()[name]
  if type(v) == "table" then
    return v[1]
  end
  return v
end

function request.get_header(name)
  if type(name) ~= "string" then
    error("header name must be a string", 2)
  end
  local value = var["http_" .. lower(name):gsub("-", "_")]
  if not value or not find(value, ", ", 1, true) then
    return value
  end
  local all = req.get_headers()[name]
  if type(all) == "table" then
    return all[1]
  end
  return all
end

function request.get_headers(max_headers)
  check_max(max_headers, "max_headers", 1, 1000)
  if max_headers == nil then
    return req.get_headers()
  end
  return req.get_headers(max_headers)
end

local BODY_TOO_BIG = "request body did not fit into client body buffer, consider raising "
                     .. "'client_body_buffer_size'"

-- §7.2: 3.8+ reads a spooled body when max_allowed_file_size is given (0 = no limit);
-- without it (or in 2.x mode) it returns nil + the "did not fit" error.
function request.get_raw_body(max_allowed_file_size)
  check_phase(ACCESS_ONLY)
  req.read_body()
  local body = req.get_body_data()
  if body then
    return body
  end
  local file = req.get_body_file()
  if not file then
    return ""
  end
  if opts.kong_major < 3 or not max_allowed_file_size or max_allowed_file_size < 0 then
    return nil, BODY_TOO_BIG
  end
  local fh, err = io.open(file, "rb")
  if not fh then
    return nil, "failed to open cached request body '" .. file .. "': " .. tostring(err)
  end
  local size = fh:seek("end") or 0
  if max_allowed_file_size > 0 and size > max_allowed_file_size then
    fh:close()
    return nil, fmt("request body file too big: %d > %d", size, max_allowed_file_size)
  end
  fh:seek("set")
  local data = fh:read("*a")
  fh:close()
  return data or ""
end

function request.get_body(mimetype, max_args, max_allowed_file_size)
  check_phase(ACCESS_ONLY)
  local content_type = mimetype or request.get_header("Content-Type")
  if not content_type then
    return nil, "missing content type"
  end
  local ct = lower(content_type)
  local semi = find(ct, ";", 1, true)
  if semi then
    ct = sub(ct, 1, semi - 1)
  end
  if find(ct, "application/x-www-form-urlencoded", 1, true) == 1 then
    check_max(max_args, "max_args", 1, 1000)
    req.read_body()
    local args, err
    if max_args ~= nil then
      args, err = req.get_post_args(max_args)
    else
      args, err = req.get_post_args()
    end
    if not args then
      return nil, err, "application/x-www-form-urlencoded"
    end
    return args, nil, "application/x-www-form-urlencoded"
  elseif find(ct, "application/json", 1, true) == 1 then
    local body, err = request.get_raw_body(max_allowed_file_size)
    if not body then
      return nil, err, "application/json"
    end
    local decoded = cjson.decode(body)
    if type(decoded) ~= "table" then
      return nil, "invalid json body", "application/json"
    end
    return decoded, nil, "application/json"
  elseif find(ct, "multipart/form-data", 1, true) == 1 then
    return nil, "multipart bodies are not supported by this peer", "multipart/form-data"
  end
  return nil, "unsupported content type '" .. content_type .. "'", ct
end

function request.get_start_time()
  return ngx.ctx.KONG_PROCESSING_START or (req.start_time() * 1000)
end

function request.get_uri_captures(ctx)
  ctx = ctx or ngx.ctx
  local caps = ctx.uri_captures or {}
  return { unnamed = caps.unnamed or {}, named = caps.named or {} }
end

local function forwarded_trusted()
  return ip.is_trusted(client.get_ip())
end

function request.get_forwarded_scheme()
  if forwarded_trusted() then
    local s = request.get_header("X-Forwarded-Proto")
    if s then
      return lower(s)
    end
  end
  return request.get_scheme()
end

local function host_part(h)
  local at = find(h, "@", 1, true)
  if at then
    h = sub(h, at + 1)
  end
  return h
end

function request.get_forwarded_host()
  if forwarded_trusted() then
    local h = request.get_header("X-Forwarded-Host")
    if h then
      h = host_part(h)
      local colon = find(h, ":", 1, true)
      return lower(colon and sub(h, 1, colon - 1) or h)
    end
  end
  return request.get_host()
end

function request.get_forwarded_port()
  if forwarded_trusted() then
    local p = tonumber(request.get_header("X-Forwarded-Port"), 10)
    if p and p >= 1 and p <= 65535 then
      return p
    end
    local h = request.get_header("X-Forwarded-Host")
    if h then
      h = host_part(h)
      local colon = find(h, ":", 1, true)
      if colon then
        p = tonumber(sub(h, colon + 1), 10)
        if p and p >= 1 and p <= 65535 then
          return p
        end
      end
    end
  end
  return request.get_port()
end

function request.get_forwarded_path()
  if forwarded_trusted() then
    local p = request.get_header("X-Forwarded-Path")
    if p then
      return p
    end
  end
  return request.get_path()
end

function request.get_forwarded_prefix()
  if forwarded_trusted() then
    local p = request.get_header("X-Forwarded-Prefix")
    if p then
      return p
    end
  end
  return var.kpeer_forwarded_prefix ~= "" and var.kpeer_forwarded_prefix or nil
end

----------------------------------------------------------------------------------------
-- kong.response
----------------------------------------------------------------------------------------

local response = {}

local HTTP_ERROR_MESSAGES = {
  [400] = "Bad request", [401] = "Unauthorized", [402] = "Payment required",
  [403] = "Forbidden", [404] = "Not found", [405] = "Method not allowed",
  [406] = "Not acceptable", [407] = "Proxy authentication required",
  [408] = "Request timeout", [409] = "Conflict", [410] = "Gone",
  [411] = "Length required", [412] = "Precondition failed", [413] = "Payload too large",
  [414] = "URI too long", [415] = "Unsupported media type",
  [416] = "Range not satisfiable", [417] = "Expectation failed", [418] = "I'm a teapot",
  [421] = "Misdirected request", [422] = "Unprocessable entity", [423] = "Locked",
  [424] = "Failed dependency", [425] = "Too early", [426] = "Upgrade required",
  [428] = "Precondition required", [429] = "Too many requests",
  [431] = "Request header fields too large", [451] = "Unavailable for legal reasons",
  [494] = "Request header or cookie too large", [500] = "An unexpected error occurred",
  [501] = "Not implemented",
  [502] = "An invalid response was received from the upstream server",
  [503] = "The upstream server is currently unavailable",
  [504] = "The upstream server is timing out", [505] = "HTTP version not supported",
  [506] = "Variant also negotiates", [507] = "Insufficient storage",
  [508] = "Loop detected", [510] = "Not extended",
  [511] = "Network authentication required",
}

local function error_message(status)
  return HTTP_ERROR_MESSAGES[status] or fmt("The upstream server responded with %d", status)
end

local MIME_JSON = "application/json; charset=utf-8"
local MIME_HTML = "text/html; charset=utf-8"
local MIME_XML = "application/xml; charset=utf-8"
local MIME_PLAIN = "text/plain; charset=utf-8"

local TEMPLATES_3 = {
  [MIME_JSON] = '{\n  "message":"%s",\n  "request_id":"%s"\n}',
  [MIME_PLAIN] = "%s\nrequest_id: %s\n",
  [MIME_HTML] = '<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n'
                .. '    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n'
                .. '    <p>%s.</p>\n    <p>request_id: %s</p>\n  </body>\n</html>\n',
  [MIME_XML] = '<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>%s</message>\n'
               .. '  <requestid>%s</requestid>\n</error>\n',
}
local TEMPLATES_2 = {
  [MIME_JSON] = '{\n  "message":"%s"\n}',
  [MIME_PLAIN] = "%s\n",
  [MIME_HTML] = '<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n'
                .. '    <title>Kong Error</title>\n  </head>\n  <body>\n    <h1>Kong Error</h1>\n'
                .. '    <p>%s.</p>\n  </body>\n</html>\n',
  [MIME_XML] = '<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>%s</message>\n'
               .. '</error>\n',
}

local MIME_BY_TYPE = {
  ["application/json"] = MIME_JSON, ["text/html"] = MIME_HTML,
  ["application/xml"] = MIME_XML, ["text/plain"] = MIME_PLAIN,
  ["application/*"] = MIME_JSON, ["text/*"] = MIME_PLAIN, ["*/*"] = MIME_JSON,
}

-- content negotiation for kong.response.error: highest q wins, default JSON
local function response_type(accept)
  if type(accept) == "table" then
    accept = concat(accept, ",")
  end
  local best, best_q = MIME_JSON, 0
  if accept then
    for item in accept:gmatch("[^,]+") do
      local mt = lower(item:match("^%s*([^;%s]+)") or "")
      local q = tonumber(item:match(";%s*q%s*=%s*([%d%.]+)")) or 1
      if q > best_q then
        best_q = q
        best = MIME_BY_TYPE[mt] or best
      end
    end
  end
  return best
end

-- Kong's request_id.get(): one id per request ($kpeer_request_id is `set` from
-- $request_id in nginx.conf, so it is evaluated once and then cached)
local function request_id()
  local ok, id = pcall(function() return var.kpeer_request_id end)
  return ok and id or ""
end
_M.request_id = request_id

local function validate_headers(headers)
  for name, value in pairs(headers) do
    if type(name) ~= "string" then
      error(fmt("invalid header name %q: got %s, expected string", tostring(name),
                type(name)), 3)
    end
    local tv = type(value)
    if tv == "table" then
      for _, v in ipairs(value) do
        if type(v) ~= "string" then
          error(fmt("invalid header value in array %q: got %s, expected string", name,
                    type(v)), 3)
        end
      end
    elseif tv ~= "string" and tv ~= "number" and tv ~= "boolean" then
      error(fmt("invalid header value for %q: got %s, expected array of string, string, "
                .. "number or boolean", name, tv), 3)
    end
  end
end

local function normalize_header_value(v)
  if type(v) == "table" then
    local out = {}
    for i, x in ipairs(v) do
      out[i] = tostring(x)
    end
    return out
  end
  return tostring(v)
end

--- write status, headers and body, then ngx.exit (Kong's `send`)
local function send(status, body, headers)
  if ngx.headers_sent then
    error("headers have already been sent", 2)
  end
  ngx.status = status
  local has_ct, has_cl
  if headers ~= nil then
    for name, value in pairs(headers) do
      local ln = lower(name)
      if ln == "transfer-encoding" or ln == "transfer_encoding" then
        log.warn("manually setting Transfer-Encoding. Ignored.")
      else
        ngx.header[name] = normalize_header_value(value)
      end
      if ln == "content-type" or ln == "content_type" then
        has_ct = true
      elseif ln == "content-length" or ln == "content_length" then
        has_cl = true
      end
    end
  end
  local out
  if type(body) == "table" then
    local err
    out, err = cjson.encode(body)
    if not out then
      error(fmt("body encoding failed while flushing response: %s", err), 2)
    end
    if not has_ct then
      ngx.header["Content-Type"] = MIME_JSON
    end
  elseif body ~= nil then
    out = body
  end
  if not has_cl then
    ngx.header["Content-Length"] = out and #out or 0
  end
  if out then
    ngx.print(out)
  end
  return ngx.exit(status)
end
_M.send = send

function _M.flush_delayed(ctx)
  local dr = ctx.delayed_response
  return send(dr.status_code, dr.content, dr.headers)
end

-- §5.4: in access (ctx.delay_response) the response is stored and the plugin coroutine
-- yields, so the bridge loop is abandoned and no further Step is sent for the event.
local function exit_or_delay(status, body, headers)
  local ctx = ngx.ctx
  ctx.KONG_EXITED = true
  if ctx.delay_response and not ctx.delayed_response then
    ctx.delayed_response = { status_code = status, content = body, headers = headers }
    coroutine_yield()
    return
  end
  return send(status, body, headers)
end

function response.exit(status, body, headers)
  check_phase(REWRITE_ACCESS_HEADER)
  if ngx.headers_sent then
    error("headers have already been sent", 2)
  end
  if type(status) ~= "number" then
    error("code must be a number", 2)
  elseif status < 100 or status > 599 then
    error("code must be a number between 100 and 599", 2)
  end
  if body ~= nil and type(body) ~= "string" and type(body) ~= "table" then
    error("body must be a nil, string or table", 2)
  end
  if headers ~= nil and type(headers) ~= "table" then
    error("headers must be a nil or table", 2)
  end
  if headers ~= nil then
    validate_headers(headers)
  end
  return exit_or_delay(status, body, headers)
end

function response.error(status, message, headers)
  check_phase(REWRITE_ACCESS_HEADER)
  if ngx.headers_sent then
    error("headers have already been sent", 2)
  end
  if type(status) ~= "number" then
    error("code must be a number", 2)
  elseif status < 400 or status > 599 then
    error("code must be a number between 400 and 599", 2)
  end
  if message ~= nil then
    if type(message) == "table" then
      local err
      message, err = cjson.encode(message)
      if not message then
        error("could not JSON encode the error message: " .. err, 2)
      end
    end
    if type(message) ~= "string" then
      error("message must be a nil, a string or a table", 2)
    end
  end
  if headers ~= nil and type(headers) ~= "table" then
    error("headers must be a nil or table", 2)
  end
  if headers ~= nil then
    validate_headers(headers)
  else
    headers = {}
  end
  local ct_header = headers["Content-Type"]
  local ct = type(ct_header) == "table" and ct_header[1] or ct_header
  if ct == nil then
    ct = response_type(req.get_headers()["Accept"])
  end
  headers["Content-Type"] = ct
  local templates = opts.kong_major >= 3 and TEMPLATES_3 or TEMPLATES_2
  local template = templates[ct] or templates[MIME_BY_TYPE[lower(ct:match("^[^;]+") or "")]]
                   or templates[MIME_JSON]
  local body = fmt(template, message or error_message(status), request_id())
  return exit_or_delay(status, body, headers)
end

function response.get_status()
  check_phase(HEADER_BODY_LOG)
  return ngx.status
end
function response.set_status(status)
  check_phase(REWRITE_ACCESS_HEADER)
  if type(status) ~= "number" then
    error("code must be a number", 2)
  elseif status < 100 or status > 599 then
    error("code must be a number between 100 and 599", 2)
  end
  ngx.status = status
end
function response.get_header(name)
  check_phase(HEADER_BODY_LOG)
  if type(name) ~= "string" then
    error("header name must be a string", 2)
  end
  local v = ngx.header[name]
  if type(v) == "table" then
    return v[1]
  end
  return v
end
function response.get_headers(max_headers)
  check_phase(HEADER_BODY_LOG)
  check_max(max_headers, "max_headers", 1, 1000)
  if max_headers == nil then
    return ngx.resp.get_headers()
  end
  return ngx.resp.get_headers(max_headers)
end
function response.get_source(ctx)
  if not ctx then
    check_phase(HEADER_BODY_LOG)
  end
  ctx = ctx or ngx.ctx
  if ctx.KONG_UNEXPECTED then
    return "error"
  elseif ctx.KONG_EXITED then
    return "exit"
  elseif ctx.KONG_PROXIED then
    return "service"
  end
  return "error"
end
function response.set_header(name, value)
  check_phase(REWRITE_ACCESS_HEADER)
  validate_headers({ [name] = value })
  ngx.header[name] = normalize_header_value(value)
end
function response.add_header(name, value)
  check_phase(REWRITE_ACCESS_HEADER)
  validate_headers({ [name] = value })
  local old = ngx.header[name]
  local new = type(old) == "table" and clone(old) or { old }
  new[#new + 1] = tostring(value)
  ngx.header[name] = new
end
function response.clear_header(name)
  check_phase(REWRITE_ACCESS_HEADER)
  ngx.header[name] = nil
end
function response.set_headers(headers)
  check_phase(REWRITE_ACCESS_HEADER)
  if type(headers) ~= "table" then
    error("headers must be a table", 2)
  end
  validate_headers(headers)
  for name, value in pairs(headers) do
    ngx.header[name] = normalize_header_value(value)
  end
end
function response.get_raw_body()
  check_phase({ body_filter = true })
  return nil
end

----------------------------------------------------------------------------------------
-- kong.service (+ .request / .response): real where the peer can proxy, else harmless
----------------------------------------------------------------------------------------

local service = { request = {}, response = {} }

function service.set_upstream(host)
  return nil, "upstreams are not supported by this peer"
end
function service.set_target(host, port)
  if type(host) ~= "string" then
    error("host must be a string", 2)
  end
  if type(port) ~= "number" then
    error("port must be an integer", 2)
  end
  local ctx = ngx.ctx
  ctx.kpeer_target = { host = host, port = port }
  return true
end
function service.set_retries() end
function service.set_timeouts() end
function service.set_tls_verify() end

local sreq = service.request
function sreq.set_header(name, value)
  check_phase(ACCESS_ONLY)
  if type(name) ~= "string" then
    error("header name must be a string", 2)
  end
  if lower(name) == "host" then
    ngx.ctx.kpeer_upstream_host = tostring(value)
  end
  req.set_header(name, normalize_header_value(value))
end
function sreq.add_header(name, value)
  check_phase(ACCESS_ONLY)
  local old = req.get_headers()[name]
  local new = type(old) == "table" and clone(old) or { old }
  new[#new + 1] = tostring(value)
  req.set_header(name, new)
end
function sreq.clear_header(name)
  check_phase(ACCESS_ONLY)
  req.clear_header(name)
end
function sreq.set_headers(headers)
  check_phase(ACCESS_ONLY)
  if type(headers) ~= "table" then
    error("headers must be a table", 2)
  end
  for name, value in pairs(headers) do
    sreq.set_header(name, value)
  end
end
function sreq.set_path(path)
  check_phase(ACCESS_ONLY)
  if type(path) ~= "string" or sub(path, 1, 1) ~= "/" then
    error("path must start with /", 2)
  end
  ngx.ctx.kpeer_upstream_path = path
end
function sreq.set_raw_query(query)
  check_phase(ACCESS_ONLY)
  if type(query) ~= "string" then
    error("query must be a string", 2)
  end
  req.set_uri_args(query)
end
function sreq.set_query(args)
  check_phase(ACCESS_ONLY)
  if type(args) ~= "table" then
    error("query must be a table", 2)
  end
  req.set_uri_args(args)
end
local METHODS = {
  GET = ngx.HTTP_GET, HEAD = ngx.HTTP_HEAD, PUT = ngx.HTTP_PUT, POST = ngx.HTTP_POST,
  DELETE = ngx.HTTP_DELETE, OPTIONS = ngx.HTTP_OPTIONS, PATCH = ngx.HTTP_PATCH,
  TRACE = ngx.HTTP_TRACE,
}
function sreq.set_method(method)
  check_phase(ACCESS_ONLY)
  local m = type(method) == "string" and METHODS[method:upper()]
  if not m then
    error("invalid method: " .. tostring(method), 2)
  end
  req.set_method(m)
end
function sreq.set_scheme(scheme)
  check_phase(ACCESS_ONLY)
  if scheme ~= "http" and scheme ~= "https" then
    error("invalid scheme: " .. tostring(scheme), 2)
  end
  ngx.ctx.kpeer_upstream_scheme = scheme
end
function sreq.set_raw_body(body)
  check_phase(ACCESS_ONLY)
  if type(body) ~= "string" then
    error("body must be a string", 2)
  end
  req.read_body()
  req.set_body_data(body)
  req.set_header("Content-Length", tostring(#body))
end
function sreq.set_body(args, mimetype)
  check_phase(ACCESS_ONLY)
  local ct = mimetype or request.get_header("Content-Type") or "application/json"
  local body
  if find(lower(ct), "application/json", 1, true) == 1 then
    body = cjson.encode(args)
  elseif find(lower(ct), "application/x-www-form-urlencoded", 1, true) == 1 then
    body = ngx.encode_args(args)
  else
    return nil, "unsupported content type '" .. ct .. "'"
  end
  sreq.set_raw_body(body)
  if not mimetype then
    req.set_header("Content-Type", ct)
  end
  return true
end
function sreq.enable_buffering() end
function sreq.disable_tls() end

function service.response.get_status()
  return tonumber(var.upstream_status)
end
function service.response.get_headers(max)
  return ngx.resp.get_headers(max)
end
function service.response.get_header(name)
  return response.get_header(name)
end
function service.response.get_raw_body()
  return nil
end
function service.response.get_body()
  return nil, "not supported by this peer"
end

----------------------------------------------------------------------------------------
-- kong.router / kong.node / kong.nginx / kong.ctx / kong.plugin
----------------------------------------------------------------------------------------

local router = {}
function router.get_route()
  local route = ngx.ctx.route
  return route and route.entity
end
function router.get_service()
  local route = ngx.ctx.route
  return route and route.service and route.service.entity or nil
end

local node = {}
function node.get_id()
  return opts.node_id
end
function node.get_hostname()
  return opts.hostname
end
function node.get_memory_stats(unit, scale)
  local dicts = {}
  for name, dict in pairs(ngx.shared) do
    dicts[name] = { capacity = dict:capacity(), allocated_slabs = dict:capacity()
                    - dict:free_space() }
  end
  return {
    lua_shared_dicts = dicts,
    workers_lua_vms = { { pid = ngx.worker.pid(),
                          http_allocated_gc = math.floor(collectgarbage("count") * 1024) } },
  }
end

local nginx = {}
function nginx.get_subsystem()
  return ngx.config.subsystem
end
function nginx.get_var(name)
  return var[name]
end
function nginx.req_start_time()
  return req.start_time()
end
function nginx.get_ctx(k)
  return ngx.ctx[k]
end
function nginx.set_ctx(k, v)
  ngx.ctx[k] = v
end
function nginx.get_tls1_version_str()
  return nil
end
function nginx.get_statistics()
  return {
    connections_active = tonumber(var.connections_active) or 0,
    connections_reading = tonumber(var.connections_reading) or 0,
    connections_writing = tonumber(var.connections_writing) or 0,
    connections_waiting = tonumber(var.connections_waiting) or 0,
  }
end

local function shared_ctx()
  local ctx = ngx.ctx
  local t = ctx.kong_shared
  if not t then
    t = {}
    ctx.kong_shared = t
  end
  return t
end
_M.shared_ctx = shared_ctx

local kctx = { shared = {} }
function kctx.shared.get(k)
  return shared_ctx()[k]
end
function kctx.shared.set(k, v)
  shared_ctx()[k] = v
end

local plugin = {}
function plugin.get_id()
  return ngx.ctx.plugin_id
end

----------------------------------------------------------------------------------------
-- kong.log.serialize (subset of Kong's, §7.1: a JSON string over RPC)
----------------------------------------------------------------------------------------

local function serialize()
  local ctx = ngx.ctx
  local request_headers = req.get_headers()
  if request_headers["authorization"] ~= nil then
    request_headers["authorization"] = "REDACTED"
  end
  if request_headers["proxy-authorization"] ~= nil then
    request_headers["proxy-authorization"] = "REDACTED"
  end
  local request_uri = var.request_uri or ""
  local route = ctx.route
  local now_ms = ngx.now() * 1000
  local start_ms = request.get_start_time()
  local root = {
    request = {
      id = request_id(),
      uri = request_uri,
      url = var.scheme .. "://" .. var.host .. ":" .. var.server_port .. request_uri,
      querystring = req.get_uri_args(),
      method = req.get_method(),
      headers = request_headers,
      size = tonumber(var.request_length),
    },
    upstream_uri = var.kpeer_upstream_uri or "",
    upstream_status = var.upstream_status or "",
    response = {
      status = ngx.status,
      headers = ngx.resp.get_headers(),
      size = tonumber(var.bytes_sent),
    },
    latencies = {
      kong = ctx.KONG_RESPONSE_LATENCY or math.floor(now_ms - start_ms),
      proxy = ctx.KONG_WAITING_TIME or -1,
      request = math.floor((tonumber(var.request_time) or 0) * 1000),
      receive = 0,
    },
    route = route and route.entity or nil,
    service = route and route.service and route.service.entity or nil,
    client_ip = var.remote_addr,
    started_at = start_ms,
    source = response.get_source(ctx),
    workspace = "0dc6f45b-8f8d-40d2-a504-473544ee190b",
    workspace_name = "default",
  }
  if ctx.serialize_values then
    for k, v in pairs(ctx.serialize_values) do
      root[k] = v
    end
  end
  return root
end
log.serialize = serialize
_M.serialize = serialize

----------------------------------------------------------------------------------------
-- the kong table and the 3.9 `exposed_api` overrides (§7.1)
----------------------------------------------------------------------------------------

local kong = {
  request = request,
  response = response,
  client = client,
  ip = ip,
  router = router,
  node = node,
  log = log,
  ctx = kctx,
  nginx = nginx,
  service = service,
  plugin = plugin,
  version = opts.kong_version,
}
_M.kong = kong

local exposed = {
  kong = kong,

  ["kong.log.serialize"] = function()
    local saved = get_saved_req_data()
    return cjson.encode(saved and saved.serialize_data or serialize())
  end,

  ["kong.nginx.get_var"] = function(v)
    return var[v]
  end,

  ["kong.nginx.get_ctx"] = function(k)
    local saved = get_saved_req_data()
    local ctx = saved and saved.ngx_ctx or ngx.ctx
    return ctx[k]
  end,

  ["kong.nginx.set_ctx"] = function(k, v)
    local saved = get_saved_req_data()
    local ctx = saved and saved.ngx_ctx or ngx.ctx
    ctx[k] = v
  end,

  ["kong.ctx.shared.get"] = function(k)
    local saved = get_saved_req_data()
    local shared = saved and saved.ctx_shared or shared_ctx()
    return shared[k]
  end,

  ["kong.ctx.shared.set"] = function(k, v)
    local saved = get_saved_req_data()
    local shared = saved and saved.ctx_shared or shared_ctx()
    shared[k] = v
  end,

  ["kong.request.get_headers"] = function(max)
    local saved = get_saved_req_data()
    return saved and saved.request_headers or request.get_headers(max)
  end,

  ["kong.request.get_header"] = function(name)
    local saved = get_saved_req_data()
    if not saved then
      return request.get_header(name)
    end
    local v = saved.request_headers[name]
    if type(v) == "table" then
      v = v[1]
    end
    return v
  end,

  ["kong.request.get_uri_captures"] = function()
    local saved = get_saved_req_data()
    return request.get_uri_captures(saved and saved.ngx_ctx or ngx.ctx)
  end,

  ["kong.response.get_status"] = function()
    local saved = get_saved_req_data()
    return saved and saved.response_status or response.get_status()
  end,

  ["kong.response.get_headers"] = function(max)
    local saved = get_saved_req_data()
    return saved and saved.response_headers or response.get_headers(max)
  end,

  ["kong.response.get_header"] = function(name)
    local saved = get_saved_req_data()
    if not saved then
      return response.get_header(name)
    end
    local v = saved.response_headers and saved.response_headers[name]
    if type(v) == "table" then
      v = v[1]
    end
    return v
  end,

  ["kong.response.get_source"] = function()
    local saved = get_saved_req_data()
    return response.get_source(saved and saved.ngx_ctx or nil)
  end,

  ["kong.nginx.req_start_time"] = function()
    local saved = get_saved_req_data()
    return saved and saved.req_start_time or req.start_time()
  end,
}
_M.exposed = exposed

return _M
