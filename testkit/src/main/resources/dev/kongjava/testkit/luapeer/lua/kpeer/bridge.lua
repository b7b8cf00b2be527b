-- kpeer.bridge: the HandleEvent / Step loop (docs/protocol.md §5.3, §5.4, §4.5).
--
-- * HandleEvent params [ {InstanceId, EventName} ]; result {EventId, Data}.  Only EventId of
--   the HandleEvent result is kept; the loop ends when Data == "ret".
-- * Data = {Method, Args}: resolve Method on the exposed API (full dotted name first, then a
--   walk over the `kong` table by \w+ segments, results cached), call it with
--   unpack(Args) (or Args itself when it is not a table).  Unknown method: log
--   "could not find pdk method: <name>" and answer with an empty Step.  A function that
--   raises aborts the handler: no Step is sent.
-- * Reply with get_step_method: table result with `_method` -> that; StepCredential /
--   StepConsumer / StepMemoryStats / StepRoute / StepService / StepMultiMap by method name;
--   else plugin.Step.  3.x forwards only the first return value (nil => no Data key);
--   2.x forwards (value, err) and sends plugin.StepError when value is nil and err is not.
-- * must_fix: header/query maps become name -> array of strings with `true` flags as empty
--   arrays and an empty result as an empty MAP (fix_mmap); raw bodies become msgpack bin
--   (fix_raw, 3.0+ only).
-- * Errors: one containing "no plugin instance" (case-insensitive) resets this plugin's
--   instances and re-runs the whole event (once by default; Kong 3.9 recurses without a
--   bound); anything else is logged and the request goes on without the plugin's effect.

local mp = require "kpeer.mp"
local pdk = require "kpeer.pdk"
local stats = require "kpeer.stats"
local instances = require "kpeer.instances"

local ngx = ngx
local type = type
local pairs = pairs
local unpack = unpack
local tostring = tostring
local find = string.find
local lower = string.lower
local re_gmatch = ngx.re.gmatch

local _M = {}

local kong_major = 3
local max_retries = 1

function _M.configure(opts)
  kong_major = opts.kong_major or 3
  max_retries = opts.max_instance_retries or 1
end

----------------------------------------------------------------------------------------
-- return value fixes (§5.3, §4.4)
----------------------------------------------------------------------------------------

local function fix_mmap(t)
  if type(t) ~= "table" then
    return t
  end
  local out, empty = {}, true
  for k, v in pairs(t) do
    empty = false
    if v == true then
      out[k] = mp.empty_array        -- valueless query flag: []
    elseif type(v) == "string" then
      out[k] = { v }                  -- single value wrapped
    else
      out[k] = v                      -- already a list (kept as Kong does)
    end
  end
  if empty then
    return mp.empty_map               -- {} must be a msgpack map, not an array
  end
  return out
end
_M.fix_mmap = fix_mmap

local function fix_raw(body)
  return mp.bin(body)                -- no nil check, like Kong: nil crashes when packed
end
_M.fix_raw = fix_raw

local MUST_FIX = {
  ["kong.request.get_query"] = fix_mmap,
  ["kong.request.get_headers"] = fix_mmap,
  ["kong.response.get_headers"] = fix_mmap,
  ["kong.service.response.get_headers"] = fix_mmap,
  ["kong.request.get_raw_body"] = fix_raw,
  ["kong.response.get_raw_body"] = fix_raw,
  ["kong.service.response.get_raw_body"] = fix_raw,
}

local STEP_BY_METHOD = {
  ["kong.client.get_credential"] = "plugin.StepCredential",
  ["kong.client.load_consumer"] = "plugin.StepConsumer",
  ["kong.client.get_consumer"] = "plugin.StepConsumer",
  ["kong.client.authenticate"] = "plugin.StepCredential",
  ["kong.node.get_memory_stats"] = "plugin.StepMemoryStats",
  ["kong.router.get_route"] = "plugin.StepRoute",
  ["kong.router.get_service"] = "plugin.StepService",
  ["kong.request.get_query"] = "plugin.StepMultiMap",
  ["kong.request.get_headers"] = "plugin.StepMultiMap",
  ["kong.response.get_headers"] = "plugin.StepMultiMap",
  ["kong.service.response.get_headers"] = "plugin.StepMultiMap",
}

local function get_step_method(method_name, res, err)
  if kong_major < 3 and not res and err then
    return "plugin.StepError", err
  end
  return (type(res) == "table" and res._method) or STEP_BY_METHOD[method_name]
         or "plugin.Step", res
end
_M.get_step_method = get_step_method

----------------------------------------------------------------------------------------
-- PDK method resolution (rpc/util.lua index_table semantics)
----------------------------------------------------------------------------------------

local method_cache = {}

local function index_table(tbl, field)
  if tbl[field] then
    return tbl[field]
  end
  local res = tbl
  for m in re_gmatch(field, "\\w+", "jo") do
    local nxt = res[m[0]]
    if nxt then
      res = nxt
    else
      return nil
    end
  end
  return res
end

local function get_field(name)
  local f = method_cache[name]
  if f == nil then
    f = index_table(pdk.exposed, name) or false
    method_cache[name] = f
  end
  return f or nil
end

local function call_pdk_method(name, args)
  stats.incr("pdk_calls")
  stats.incr_group("pdk", name)
  local ctx = ngx.ctx
  ctx.kpeer_pdk_calls = (ctx.kpeer_pdk_calls or 0) + 1
  if ctx.KONG_PHASE == "access" then
    stats.incr("pdk_calls_access")
  end

  local method = type(name) == "string" and get_field(name) or nil
  if not method then
    stats.incr("unknown_pdk_methods")
    pdk.kong.log.err("could not find pdk method: ", tostring(name))
    return nil
  end

  local ret, err
  if kong_major >= 3 then
    -- 3.x: only the first return value is kept (§5.3)
    if type(args) == "table" then
      ret = method(unpack(args))
    else
      ret = method(args)
    end
  else
    if type(args) == "table" then
      ret, err = method(unpack(args))
    else
      ret, err = method(args)
    end
  end

  local fix = MUST_FIX[name]
  if fix and not (kong_major < 3 and fix == fix_raw) then
    if not (kong_major < 3 and ret == nil and err ~= nil) then
      ret = fix(ret)
    end
  end
  return ret, err
end
_M.call_pdk_method = call_pdk_method

----------------------------------------------------------------------------------------
-- event loop
----------------------------------------------------------------------------------------

local function bridge_loop(rpc, instance_id, phase)
  local step_in, err = rpc:call("plugin.HandleEvent", {
    InstanceId = instance_id,
    EventName = phase,
  })
  if not step_in then
    return nil, err
  end

  local event_id = step_in.EventId

  while true do
    if step_in.Data == "ret" then
      break
    end

    local data = step_in.Data
    local res, perr = call_pdk_method(data.Method, data.Args)
    local step_method, step_res = get_step_method(data.Method, res, perr)

    step_in, err = rpc:call(step_method, {
      EventId = event_id,
      Data = step_res,
    })
    if not step_in then
      return nil, err
    end
  end
  return true
end

--- run one event of one plugin (runtime plugin: {name, rpc}); may raise
function _M.handle_event(plugin, conf, conf_json, key, phase, attempt)
  attempt = attempt or 0
  local instance_id, err = instances.get_instance_id(plugin, conf, conf_json, key)
  if not err then
    local _
    _, err = bridge_loop(plugin.rpc, instance_id, phase)
  end

  if err then
    local text = type(err) == "string" and err or tostring(err)
    if find(lower(text), "no plugin instance", 1, true) then
      instances.reset_instance(plugin.name, key)
      pdk.kong.log.warn(text)
      if attempt < max_retries then
        stats.incr("no_plugin_instance_retries")
        return _M.handle_event(plugin, conf, conf_json, key, phase, attempt + 1)
      end
      stats.incr("no_plugin_instance_giveups")
      return
    end
    stats.incr("event_errors")
    pdk.kong.log.err(text)
  end
end

return _M
