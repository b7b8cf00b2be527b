-- kpeer.rpc: MessagePack-RPC client to a plugin server (one object per plugin per worker,
-- as Kong 3.9 keeps one Rpc object per plugin; §4.2).
--
-- §4.1 framing: request [0, msgid, method, params] (params always an array), response
--      [1, msgid, error, result], notification [2, label, args] (only "serverPid" handled,
--      read while waiting for the response).
-- §4.2 msgid: per Rpc object per nginx worker, +1 before each call, starting at 1.
-- §4.3 connections: every call does connect("unix:"..socket) (taking an idle connection
--      from the worker's keepalive pool when there is one), sends ONE request, reads until
--      its response, then setkeepalive() (back to the pool; size lua_socket_pool_size).
--      The reader is an unpacker over receiveany(4096); bytes after the reply are dropped.
--      A read error gives "no data" and Kong still calls setkeepalive().
-- §4.1 anything but a response/notification, or a wrong msgid, raises (Kong asserts).

local mp = require "kpeer.mp"
local stats = require "kpeer.stats"

local ngx = ngx
local raw_log = require("ngx.errlog").raw_log
local tcp = ngx.socket.tcp
local tostring = tostring
local tonumber = tonumber

local _M = {}

local Rpc = {}
Rpc.__index = Rpc

--- kpeer.instances registers the serverPid handler here (avoids a require cycle)
_M.on_server_pid = nil

function _M.new(name, socket_path)
  return setmetatable({
    name = name,           -- plugin name (3.9) or server name (2.x)
    socket = socket_path,
    msg_id = 0,
    pluginserver_pid = nil,
  }, Rpc)
end

local function count_call(method)
  stats.incr("rpc_calls")
  stats.incr_group("rpc", method)
  local ctx = ngx.ctx
  if ctx then
    ctx.kpeer_rpc_calls = (ctx.kpeer_rpc_calls or 0) + 1
    if ctx.KONG_PHASE == "access" then
      stats.incr("rpc_calls_access")
    elseif ctx.KONG_PHASE == "log" then
      stats.incr("rpc_calls_log")
    end
  end
end

function Rpc:call(method, ...)
  self.msg_id = self.msg_id + 1
  local msg_id = self.msg_id

  -- packing can raise (e.g. the nil raw body of §7.2): that aborts the handler, as in Kong
  local payload = mp.pack({ 0, msg_id, method, { ... } })

  count_call(method)

  local c = tcp()
  local ok, err = c:connect("unix:" .. self.socket)
  if not ok then
    stats.incr("connect_errors")
    raw_log(ngx.ERR, "[kong] [" .. self.name .. "] trying to connect: " .. tostring(err))
    return nil, err
  end

  -- pool diagnostics: a connection taken from the keepalive pool has reused times > 0
  if (c:getreusedtimes() or 0) > 0 then
    stats.incr("connections_reused")
  else
    stats.incr("connections_opened")
  end

  local bytes
  bytes, err = c:send(payload)
  if not bytes then
    c:setkeepalive()
    stats.incr("rpc_errors")
    return nil, err
  end

  local reader = mp.unpacker(function()
    return (c:receiveany(4096))
  end)

  while true do
    local got, data = reader()
    if not got then
      c:setkeepalive() -- sic: Kong returns the socket to the pool even here (§4.3)
      stats.incr("rpc_errors")
      return nil, "no data"
    end

    if type(data) == "table" and data[1] == 2 then
      -- notification [2, label, args]
      stats.incr_group("notification", tostring(data[2]))
      if data[2] == "serverPid" then
        self:server_pid(data[3])
      end
    else
      if type(data) ~= "table" or data[1] ~= 1 then
        stats.incr("protocol_errors")
        error("RPC response expected from Go plugin server")
      end
      if data[2] ~= msg_id then
        stats.incr("protocol_errors")
        error("unexpected RPC response ID from Go plugin server (expected " .. msg_id
              .. ", got " .. tostring(data[2]) .. ")")
      end

      c:setkeepalive()

      if data[3] ~= nil then
        stats.incr("rpc_errors")
        return nil, data[3]
      end
      return data[4]
    end
  end
end

--- serverPid notification (§4.1, §6): if the pid differs from the last one seen by this
--- Rpc object, drop every cached instance bound to it (the first pid is just recorded).
function Rpc:server_pid(pid)
  pid = tonumber(pid)
  if self.pluginserver_pid and pid ~= self.pluginserver_pid then
    stats.incr("server_pid_changes")
    raw_log(ngx.NOTICE, "[kpeer] [" .. self.name .. "] plugin server pid changed from "
            .. tostring(self.pluginserver_pid) .. " to " .. tostring(pid)
            .. "; clearing cached instances")
    if _M.on_server_pid then
      _M.on_server_pid(self)
    end
  end
  self.pluginserver_pid = pid
end

-- §5.1: params [ {Name, Config} ], Config = cjson-encoded config as msgpack str
function Rpc:call_start_instance(plugin_name, conf, conf_json)
  stats.incr("start_instance")
  local status, err = self:call("plugin.StartInstance", {
    Name = plugin_name,
    Config = conf_json,
  })
  if status == nil then
    return nil, err
  end
  if type(status) ~= "table" or status.Id == nil then
    return nil, "StartInstance returned no Id"
  end
  return {
    id = status.Id,
    conf = conf,
    seq = conf.__seq__,
    Config = status.Config,
    rpc = self,
  }
end

-- §5.2: params [ <instance id> ] (a bare integer); the result is ignored by the caller
function Rpc:call_close_instance(instance_id)
  stats.incr("close_instance")
  return self:call("plugin.CloseInstance", instance_id)
end

return _M
