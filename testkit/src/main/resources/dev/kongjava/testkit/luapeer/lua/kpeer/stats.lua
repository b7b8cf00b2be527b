-- kpeer.stats: counters shared by all workers (lua_shared_dict kpeer_stats), so
-- GET /__peer/stats reports sums over workers.  Keys are "<group>:<name>" or plain names.

local cjson = require "cjson.safe"

local dict = ngx.shared.kpeer_stats

local _M = {}

function _M.incr(key, n)
  local ok, err = dict:incr(key, n or 1, 0)
  if not ok then
    ngx.log(ngx.WARN, "[kpeer] stats: cannot count ", key, ": ", err)
  end
end

function _M.incr_group(group, name, n)
  return _M.incr(group .. ":" .. tostring(name), n)
end

function _M.set(key, value)
  dict:set(key, value)
end

function _M.get(key)
  return dict:get(key)
end

function _M.reset()
  dict:flush_all()
  dict:flush_expired()
end

local function group_table(out, group)
  local t = out[group]
  if not t then
    t = {}
    out[group] = t
  end
  return t
end

--- snapshot as a plain table; groups become nested maps
function _M.snapshot()
  local out = {
    requests = 0, rpc_calls = 0, rpc_calls_access = 0, rpc_calls_log = 0, pdk_calls = 0,
    start_instance = 0, close_instance = 0, no_plugin_instance_retries = 0,
    server_pid_changes = 0, handler_aborts = 0, rpc_errors = 0,
    connections_opened = 0, connections_reused = 0,
    rpc = {}, pdk = {}, status = {},
  }
  for _, key in ipairs(dict:get_keys(0)) do
    local v = dict:get(key)
    local group, name = key:match("^([^:]+):(.+)$")
    if group then
      group_table(out, group)[name] = v
    else
      out[key] = v
    end
  end
  if out.requests > 0 then
    out.rpc_calls_access_per_request = out.rpc_calls_access / out.requests
    out.pdk_calls_access_per_request = (out.pdk_calls_access or 0) / out.requests
  end
  return out
end

function _M.json()
  -- Debian's cjson encodes empty tables as {}, so empty groups stay JSON objects
  return cjson.encode(_M.snapshot())
end

return _M
