-- kpeer.dump: discovery of the plugins a plugin server offers (the "dump").
--
-- docs/protocol.md §1.3: Kong runs the query command with io.popen at schema-load time
-- (init phase: no cosockets yet), reads ALL of stdout and cjson-decodes it;
-- `protocol = dump.Protocol or "MsgPack:1"`; plugin list = `dump.Plugins or dump`;
-- Kong 3.9 takes only the first entry, 2.3-3.8 register every entry by Name.
-- §2.1: each entry has Name, Priority, Version, Phases, Schema.
-- §3: only "MsgPack:1" is implemented by this peer ("ProtoBuf:1" is refused at startup).
-- §9 (VERSION/PRIORITY validation): 3.0+ requires an integer Priority and an x.y.z Version.

local cjson = require "cjson.safe"
local schema = require "kpeer.schema"

local fmt = string.format
local type = type
local ipairs = ipairs

local _M = {}

local EXIT_MARK = "\n__kpeer_query_exit="

-- Kong only decodes stdout; we additionally capture the exit status (LuaJIT's
-- pipe:close() does not report it) so a failing command gives a clear startup error.
local function run_query(cmd)
  local pipe, err = io.popen("( " .. cmd .. " ); printf '\\n__kpeer_query_exit=%d' $?", "r")
  if not pipe then
    return nil, "could not run query command '" .. cmd .. "': " .. tostring(err)
  end
  local out = pipe:read("*a") or ""
  pipe:close()
  local code
  local s = out:find(EXIT_MARK, 1, true)
  if s then
    code = tonumber(out:sub(s + #EXIT_MARK))
    out = out:sub(1, s - 1)
  end
  return out, code
end

local function valid_version(v)
  if type(v) ~= "string" then
    return false
  end
  -- "x", "x.y" or "x.y.z" with optional pre-release/build suffix on the last part
  local parts = 0
  for part in (v .. "."):gmatch("([^.]*)%.") do
    parts = parts + 1
    if parts > 3 or not part:match("^%d+[%w%-%+]*$") then
      return false
    end
  end
  return parts >= 1
end

local KNOWN_PHASES = {
  certificate = true, rewrite = true, access = true, response = true, preread = true,
  log = true,
}

--- validate one plugin info entry; returns normalized plugin table or nil, err
local function check_info(info, server, kong_major)
  if type(info) ~= "table" then
    return nil, "not a plugin info table"
  end
  local name = info.Name
  if type(name) ~= "string" or name == "" then
    return nil, "plugin info without a Name"
  end
  if kong_major >= 3 then
    if type(info.Priority) ~= "number" or info.Priority % 1 ~= 0 then
      return nil, fmt("on plugin '%s': PRIORITY must be an integer, got %s", name,
                      tostring(info.Priority))
    end
    if not valid_version(info.Version) then
      return nil, fmt("on plugin '%s': VERSION must be a valid version string (x.y.z), got %s",
                      name, tostring(info.Version))
    end
  end
  if type(info.Phases) ~= "table" then
    return nil, fmt("on plugin '%s': Phases must be an array", name)
  end
  local phases = {}
  for _, p in ipairs(info.Phases) do
    if not KNOWN_PHASES[p] then
      return nil, fmt("on plugin '%s': unknown phase '%s'", name, tostring(p))
    end
    phases[p] = true
  end
  local config_def, err = schema.check_plugin_schema(info.Schema)
  if not config_def then
    return nil, fmt("error loading plugin schemas: on plugin '%s': %s", name, err)
  end
  return {
    name = name,
    priority = info.Priority or 0,
    version = info.Version,
    phases = phases,
    phase_list = info.Phases,
    schema = info.Schema,
    config_def = config_def,
    server = server,
  }
end

--- Query every plugin server (init phase).  servers: array of
--- { name, socket, query_cmd }.  Returns map plugin name -> plugin, or raises.
function _M.load(servers, kong_major)
  local plugins = {}
  for _, server in ipairs(servers) do
    if type(server.query_cmd) ~= "string" or server.query_cmd == "" then
      error(fmt("query_command undefined for pluginserver %s", tostring(server.name)), 0)
    end
    local out, code = run_query(server.query_cmd)
    if not out then
      error(fmt("pluginserver '%s': %s", server.name, code), 0)
    end
    local dump, derr = cjson.decode(out)
    if type(dump) ~= "table" then
      error(fmt("pluginserver '%s': failed decoding plugin info: %s (query command '%s' "
                .. "exited with %s; stdout: '%s')", server.name,
                tostring(derr or "not a plugin info table"), server.query_cmd,
                tostring(code), out:sub(1, 300)), 0)
    end
    local protocol = dump.Protocol or "MsgPack:1"
    if protocol ~= "MsgPack:1" then
      error(fmt("pluginserver '%s': protocol '%s' is not implemented by this peer "
                .. "(only MsgPack:1)", server.name, tostring(protocol)), 0)
    end
    server.protocol = protocol
    local list = dump.Plugins or dump
    if type(list) ~= "table" or list[1] == nil then
      error(fmt("pluginserver '%s': not a plugin info table", server.name), 0)
    end
    if kong_major >= 3 then
      -- Kong 3.9: only the first entry of the dump is used (§1.3)
      list = { list[1] }
    end
    for _, info in ipairs(list) do
      local plugin, perr = check_info(info, server, kong_major)
      if not plugin then
        error(fmt("pluginserver '%s': %s", server.name, perr), 0)
      end
      if plugins[plugin.name] then
        -- ≤3.8 logs "Duplicate plugin name" and keeps the first
        ngx.log(ngx.WARN, "[kpeer] Duplicate plugin name [", plugin.name, "] for server '",
                server.name, "'; keeping the first one")
      else
        plugins[plugin.name] = plugin
      end
    end
  end
  return plugins
end

return _M
