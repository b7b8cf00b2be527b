-- kpeer.instances: per-worker cache of plugin-server instances (docs/protocol.md §6).
--
-- * Key: the plugin entity id (`kong.plugin.get_id()`, 3.3+); `conf.__key__` in 2.x mode.
-- * Reuse (3.7+): cached id exists AND seq == conf.__seq__ AND conf.__plugin_id == key
--   (2.x: id exists and seq == conf.__seq__).
-- * Otherwise StartInstance; if an instance was cached under the same key, CloseInstance
--   (old id) afterwards, result ignored (§5.2).
-- * Concurrency: the first coroutine claims the key (entry without id); others
--   ngx.sleep(0.1) up to 10 s, then fail with "Could not claim instance_id for ...".
-- * StartInstance error: logged "starting instance: <err>", claim removed, error raised
--   (500 in access, §4.5).
-- * "no plugin instance": drop ALL cached instances of that plugin in this worker and tell
--   the other workers (3.5+ `plugin_server/reset_instances` broadcast).  The broadcast is a
--   shared-dict generation counter per plugin that every worker checks before using its
--   cache (Kong uses worker events; effect is the same, delivery here is "at next use").
-- * serverPid change: drop the instances bound to that Rpc object (§4.1).

local json = require "kpeer.json"
local stats = require "kpeer.stats"
local rpc_mod = require "kpeer.rpc"

local ngx = ngx
local raw_log = require("ngx.errlog").raw_log
local shm = ngx.shared.kpeer
local pairs = pairs
local tostring = tostring

local _M = {}

local SLEEP_STEP = 0.1
local MAX_WAIT_STEPS = 10 / SLEEP_STEP

--- key -> { id, seq, conf, plugin_name, rpc }
local running_instances = {}
_M.running_instances = running_instances

-- reset generations seen by this worker, per plugin name
local seen_generation = {}

local kong_major = 3

function _M.configure(opts)
  kong_major = opts.kong_major or 3
end

local function publish()
  -- expose this worker's cache for GET /__peer/instances (diagnostics only)
  local view = {}
  for key, inst in pairs(running_instances) do
    view[#view + 1] = { key = key, id = inst.id, seq = inst.seq, plugin = inst.plugin_name }
  end
  shm:set("instances:" .. tostring(ngx.worker.pid()), json.encode(view) or "[]")
end
_M.publish = publish

function _M.reset_instances_for_plugin(plugin_name)
  for key, inst in pairs(running_instances) do
    if inst.plugin_name == plugin_name then
      running_instances[key] = nil
    end
  end
  publish()
end

--- §6 / §4.5: reset after "no plugin instance" (3.5+: all instances of the plugin, and a
--- broadcast to all workers; 2.x: only the instance under this key)
function _M.reset_instance(plugin_name, key)
  if kong_major < 3 then
    running_instances[key] = nil
    publish()
    return
  end
  _M.reset_instances_for_plugin(plugin_name)
  local gen = shm:incr("reset:" .. plugin_name, 1, 0)
  -- the poster has already done the reset: mark its own broadcast as seen
  seen_generation[plugin_name] = gen
  stats.incr("reset_broadcasts")
end

--- apply broadcasts from other workers
function _M.check_broadcast(plugin_name)
  local gen = shm:get("reset:" .. plugin_name)
  if gen and gen ~= seen_generation[plugin_name] then
    if seen_generation[plugin_name] ~= nil or next(running_instances) ~= nil then
      _M.reset_instances_for_plugin(plugin_name)
      stats.incr("reset_broadcasts_applied")
    end
    seen_generation[plugin_name] = gen
  end
end

rpc_mod.on_server_pid = function(rpc)
  for key, inst in pairs(running_instances) do
    if inst.rpc == rpc then
      running_instances[key] = nil
    end
  end
  publish()
end

--- plugin: runtime plugin { name, rpc }, conf: injected config, conf_json: its JSON text
function _M.get_instance_id(plugin, conf, conf_json, key)
  local plugin_name = plugin.name
  _M.check_broadcast(plugin_name)

  local instance_info = running_instances[key]
  local wait_count = 0
  while instance_info and not instance_info.id do
    -- another light thread of this worker is starting the instance: wait for it
    ngx.sleep(SLEEP_STEP)
    wait_count = wait_count + 1
    if wait_count > MAX_WAIT_STEPS then
      running_instances[key] = nil
      return nil, "Could not claim instance_id for " .. plugin_name .. " (key: " .. key .. ")"
    end
    instance_info = running_instances[key]
  end

  if instance_info and instance_info.id and instance_info.seq == conf.__seq__
     and (kong_major < 3 or (instance_info.conf and instance_info.conf.__plugin_id == key))
  then
    return instance_info.id
  end

  local old_instance_id = instance_info and instance_info.id
  if not instance_info then
    instance_info = { conf = conf, seq = conf.__seq__ }
    running_instances[key] = instance_info
  else
    instance_info.id = nil
  end

  local new_info, err = plugin.rpc:call_start_instance(plugin_name, conf, conf_json)
  if new_info == nil then
    raw_log(ngx.ERR, "[kong] [" .. plugin_name .. "] starting instance: " .. tostring(err))
    stats.incr("start_instance_errors")
    running_instances[key] = nil
    error(err)
  end

  instance_info.id = new_info.id
  instance_info.plugin_name = plugin_name
  instance_info.conf = new_info.conf
  instance_info.seq = new_info.seq
  instance_info.Config = new_info.Config
  instance_info.rpc = new_info.rpc
  publish()

  if old_instance_id then
    -- a previous instance had the same key: close it, errors ignored
    plugin.rpc:call_close_instance(old_instance_id)
  end

  return instance_info.id
end

return _M
