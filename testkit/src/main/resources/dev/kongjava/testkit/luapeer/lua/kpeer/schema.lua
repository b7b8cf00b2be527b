-- kpeer.schema: plugin schema acceptance and config building (defaults + validation).
--
-- Follows protocol doc §2.2 "Acceptance rules" and "Defaults":
--   * field types: array, set, string, number, boolean, integer, foreign, map, record,
--     function, json; unknown type or unknown attribute = the plugin is refused;
--   * companions: array/set need `elements`, map needs `keys`+`values`, record `fields`,
--     json `json_schema`;
--   * attribute/type restrictions (between/timestamp on numbers, one_of on
--     string/number/integer, match/is_regex/uuid on strings, len_eq, contains);
--   * a missing non-required field becomes JSON null; a missing `required` record is
--     expanded from its sub-field defaults; defaults are deep-copied.
-- The error texts are the ones Kong's schema library reports (e.g. "required field
-- missing", "expected an integer", "expected one of: a, b", "value should be between 0
-- and 10", "length must be at least 1", "value must be greater than 0", "unknown field").

local json = require "kpeer.json"

local null = json.null
local type = type
local pairs = pairs
local ipairs = ipairs
local tostring = tostring
local concat = table.concat
local fmt = string.format
local floor = math.floor
local huge = math.huge
local re_find = ngx and ngx.re and ngx.re.find

local _M = {}

local VALID_TYPES = {
  array = true, set = true, string = true, number = true, boolean = true,
  integer = true, foreign = true, map = true, record = true, ["function"] = true,
  json = true,
}

-- attribute names accepted on a field (metaschema field attributes + validators +
-- type-specific companions)
local KNOWN_ATTRIBUTES = {
  type = true, required = true, reference = true, description = true, examples = true,
  auto = true, unique = true, unique_across_ws = true, on_delete = true, default = true,
  abstract = true, generate_admin_api = true, immutable = true, err = true,
  encrypted = true, referenceable = true, json_schema = true, transient = true,
  deprecation = true,
  -- validators
  between = true, eq = true, ne = true, gt = true, len_eq = true, len_min = true,
  len_max = true, match = true, not_match = true, match_all = true, match_none = true,
  match_any = true, starts_with = true, one_of = true, not_one_of = true,
  contains = true, is_regex = true, timestamp = true, uuid = true,
  custom_validator = true, mutually_exclusive_subsets = true,
  -- companions
  elements = true, keys = true, values = true, fields = true, entity_checks = true,
  shorthand_fields = true, nilable = true,
}

local ATTRIBUTE_TYPES = {
  between = { integer = true, number = true },
  timestamp = { integer = true, number = true },
  one_of = { string = true, number = true, integer = true },
  match = { string = true },
  is_regex = { string = true },
  uuid = { string = true },
  len_eq = { array = true, set = true, string = true, map = true },
  contains = { array = true, set = true },
}

-- Top-level fields a plugin sub-schema may declare: they must exist in Kong's `plugins`
-- entity (§2.2); in practice `config` and `protocols`.
local PLUGIN_ENTITY_FIELDS = {
  id = "string", name = "string", instance_name = "string", created_at = "integer",
  updated_at = "integer", route = "foreign", service = "foreign", consumer = "foreign",
  config = "record", protocols = "set", enabled = "boolean", tags = "set",
}

----------------------------------------------------------------------------------------
-- helpers
----------------------------------------------------------------------------------------

local function is_seq(t)
  if type(t) ~= "table" then
    return false
  end
  if next(t) == nil then
    return true -- empty table: ambiguous, accepted as array (JSON [] and {} decode alike)
  end
  return (json.is_sequence(t))
end

local function deep_copy(v)
  if type(v) ~= "table" then
    return v
  end
  local c = {}
  for k, x in pairs(v) do
    c[k] = deep_copy(x)
  end
  local mt = getmetatable(v)
  if mt then
    setmetatable(c, mt)
  end
  return c
end
_M.deep_copy = deep_copy

local function show(v)
  if type(v) == "string" then
    return v
  end
  return tostring(v)
end

local function join_values(list)
  local out = {}
  for i, v in ipairs(list) do
    out[i] = show(v)
  end
  return concat(out, ", ")
end

-- iterate a `fields` array of one-key maps: yields name, definition
local function each_field(fields)
  local i = 0
  return function()
    i = i + 1
    local entry = fields[i]
    if entry == nil then
      return nil
    end
    local name, def = next(entry)
    return name, def
  end
end
_M.each_field = each_field

----------------------------------------------------------------------------------------
-- metaschema (schema acceptance, §2.2)
----------------------------------------------------------------------------------------

local check_field_def

local function check_fields(fields, path, errs)
  if type(fields) ~= "table" or not is_seq(fields) then
    errs[#errs + 1] = path .. ": 'fields' must be an array of one-key maps"
    return
  end
  for i, entry in ipairs(fields) do
    if type(entry) ~= "table" then
      errs[#errs + 1] = fmt("%s[%d]: expected a one-key map", path, i)
    else
      local n = 0
      for _ in pairs(entry) do
        n = n + 1
      end
      if n ~= 1 then
        errs[#errs + 1] = fmt("%s[%d]: expected a one-key map, got %d keys", path, i, n)
      else
        local name, def = next(entry)
        check_field_def(def, path .. "." .. tostring(name), errs)
      end
    end
  end
end

check_field_def = function(def, path, errs)
  if type(def) ~= "table" then
    errs[#errs + 1] = path .. ": expected a field definition table"
    return
  end
  local t = def.type
  if t == nil then
    errs[#errs + 1] = path .. ".type: required field missing"
    return
  end
  if not VALID_TYPES[t] then
    local names = {}
    for k in pairs(VALID_TYPES) do
      names[#names + 1] = k
    end
    table.sort(names)
    errs[#errs + 1] = fmt("%s.type: expected one of: %s", path, concat(names, ", "))
    return
  end
  for attr, value in pairs(def) do
    if not KNOWN_ATTRIBUTES[attr] then
      errs[#errs + 1] = fmt("%s.%s: unknown field", path, tostring(attr))
    elseif ATTRIBUTE_TYPES[attr] and not ATTRIBUTE_TYPES[attr][t] then
      errs[#errs + 1] = fmt("%s: %s cannot be used in '%s' fields", path, attr, t)
    end
    if value == null then
      errs[#errs + 1] = fmt("%s.%s: null is not accepted in a schema (doc §2.2)", path, attr)
    end
  end
  if def.description ~= nil and (type(def.description) ~= "string"
      or #def.description < 10 or #def.description > 500) then
    errs[#errs + 1] = path .. ".description: length must be between 10 and 500"
  end
  if t == "array" or t == "set" then
    if def.elements == nil then
      errs[#errs + 1] = path .. ": field of type '" .. t .. "' must declare 'elements'"
    else
      check_field_def(def.elements, path .. ".elements", errs)
    end
  elseif t == "map" then
    if def.keys == nil or def.values == nil then
      errs[#errs + 1] = path .. ": field of type 'map' must declare 'keys' and 'values'"
    else
      check_field_def(def.keys, path .. ".keys", errs)
      check_field_def(def.values, path .. ".values", errs)
    end
  elseif t == "record" then
    if def.fields == nil then
      errs[#errs + 1] = path .. ": field of type 'record' must declare 'fields'"
    else
      check_fields(def.fields, path, errs)
    end
  elseif t == "json" then
    if def.json_schema == nil then
      errs[#errs + 1] = path .. ": field of type 'json' must declare 'json_schema'"
    end
  end
  if def.between ~= nil and (type(def.between) ~= "table" or #def.between ~= 2) then
    errs[#errs + 1] = path .. ".between: expected an array of two numbers"
  end
  if def.one_of ~= nil and (type(def.one_of) ~= "table" or not is_seq(def.one_of)) then
    errs[#errs + 1] = path .. ".one_of: expected an array"
  end
end

--- Check a plugin sub-schema as dumped (`Schema` of a plugin info).
-- Returns the `config` field definition, or nil + error text.
function _M.check_plugin_schema(schema)
  local errs = {}
  if type(schema) ~= "table" then
    return nil, "schema: expected a table"
  end
  if type(schema.name) ~= "string" then
    errs[#errs + 1] = "name: expected a string"
  end
  if schema.fields == nil then
    errs[#errs + 1] = "fields: required field missing"
  else
    check_fields(schema.fields, "fields", errs)
  end
  local config_def
  if #errs == 0 then
    for name, def in each_field(schema.fields) do
      local parent_type = PLUGIN_ENTITY_FIELDS[name]
      if not parent_type then
        errs[#errs + 1] = fmt("error in definition of '%s': %s: cannot create a new field",
                              tostring(schema.name), tostring(name))
      elseif def.type ~= parent_type then
        errs[#errs + 1] = fmt("error in definition of '%s': %s: cannot change type in a "
                              .. "specialized field", tostring(schema.name), tostring(name))
      end
      if name == "config" then
        config_def = def
      end
    end
  end
  if #errs > 0 then
    return nil, concat(errs, "; ")
  end
  if not config_def then
    -- no config field: Kong's parent definition (an abstract record) applies; treat as an
    -- empty record
    config_def = { type = "record", fields = {} }
  end
  return config_def
end

--- the `protocols` declared by the sub-schema (default of Kong's typedefs.protocols)
function _M.plugin_protocols(schema)
  for name, def in each_field(schema.fields or {}) do
    if name == "protocols" and type(def.default) == "table" then
      return def.default
    end
  end
  return { "grpc", "grpcs", "http", "https" }
end

----------------------------------------------------------------------------------------
-- config processing: defaults + validation
----------------------------------------------------------------------------------------

local process_field

local function add_err(errs, path, msg)
  errs[#errs + 1] = { path = path, message = msg }
end

local function length_of(v)
  if type(v) == "string" then
    return #v
  end
  local n = 0
  for _ in pairs(v) do
    n = n + 1
  end
  return n
end

local function lua_pattern_match(value, pattern)
  local ok, res = pcall(string.find, value, pattern)
  return ok and res ~= nil
end

local UUID_RE = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

local function is_uuid(s)
  if re_find then
    return re_find(s, UUID_RE, "joi") ~= nil
  end
  return s:match("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$") ~= nil
end

-- validators run after the type check; first failure wins (like Kong, one message per field)
local function run_validators(def, v)
  local t = def.type
  if def.eq ~= nil and v ~= def.eq then
    return fmt("value must be %s", show(def.eq))
  end
  if def.ne ~= nil and v == def.ne then
    return fmt("value must not be %s", show(def.ne))
  end
  if def.one_of and (t == "string" or t == "number" or t == "integer") then
    local found = false
    for _, o in ipairs(def.one_of) do
      if o == v then
        found = true
        break
      end
    end
    if not found then
      return "expected one of: " .. join_values(def.one_of)
    end
  end
  if def.not_one_of then
    for _, o in ipairs(def.not_one_of) do
      if o == v then
        return "must not be one of: " .. join_values(def.not_one_of)
      end
    end
  end
  if def.between and type(v) == "number" then
    local lo, hi = def.between[1], def.between[2]
    if v < lo or v > hi then
      return fmt("value should be between %d and %d", lo, hi)
    end
  end
  if def.gt ~= nil and type(v) == "number" and not (v > def.gt) then
    return fmt("value must be greater than %s", show(def.gt))
  end
  if def.timestamp and type(v) == "number" and v < 0 then
    return "expected a valid timestamp"
  end
  if type(v) == "string" or type(v) == "table" then
    if def.len_eq ~= nil and length_of(v) ~= def.len_eq then
      return fmt("length must be %d", def.len_eq)
    end
    if def.len_min ~= nil and length_of(v) < def.len_min then
      return fmt("length must be at least %d", def.len_min)
    end
    if def.len_max ~= nil and length_of(v) > def.len_max then
      return fmt("length must be at most %d", def.len_max)
    end
  end
  if type(v) == "string" then
    if def.match and not lua_pattern_match(v, def.match) then
      return fmt("invalid value: %s", v)
    end
    if def.not_match and lua_pattern_match(v, def.not_match) then
      return fmt("invalid value: %s", v)
    end
    if def.match_all then
      for _, m in ipairs(def.match_all) do
        if not lua_pattern_match(v, m.pattern) then
          return m.err or fmt("invalid value: %s", v)
        end
      end
    end
    if def.match_none then
      for _, m in ipairs(def.match_none) do
        if lua_pattern_match(v, m.pattern) then
          return m.err or fmt("invalid value: %s", v)
        end
      end
    end
    if def.match_any then
      local any = false
      for _, p in ipairs(def.match_any.patterns or {}) do
        if lua_pattern_match(v, p) then
          any = true
          break
        end
      end
      if not any then
        return def.match_any.err or fmt("invalid value: %s", v)
      end
    end
    if def.starts_with and v:sub(1, #def.starts_with) ~= def.starts_with then
      return fmt("should start with: %s", def.starts_with)
    end
    if def.uuid and not is_uuid(v) then
      return "expected a valid UUID"
    end
    if def.is_regex and re_find then
      local ok, _, err = pcall(re_find, "", v, "jo")
      if not ok or err then
        return fmt("not a valid regex: %s", v)
      end
    end
  end
  if def.contains ~= nil and type(v) == "table" then
    local found = false
    for _, x in ipairs(v) do
      if x == def.contains then
        found = true
        break
      end
    end
    if not found then
      return fmt("expected to contain: %s", show(def.contains))
    end
  end
  return nil
end

local function process_record(fields, input, path, errs)
  local out = {}
  local known = {}
  for name, def in each_field(fields or {}) do
    known[name] = true
    local sub = path == "" and name or (path .. "." .. name)
    local v = process_field(def, input[name], sub, errs)
    if v ~= nil then
      out[name] = v
    end
  end
  for k in pairs(input) do
    if not known[k] then
      add_err(errs, path == "" and tostring(k) or (path .. "." .. tostring(k)), "unknown field")
    end
  end
  return out
end

local function check_type(def, v)
  local t = def.type
  local tv = type(v)
  if t == "string" then
    return tv == "string" or nil, "expected a string"
  elseif t == "number" then
    return tv == "number" or nil, "expected a number"
  elseif t == "integer" then
    return (tv == "number" and v == floor(v) and v ~= huge and v ~= -huge) or nil,
           "expected an integer"
  elseif t == "boolean" then
    return tv == "boolean" or nil, "expected a boolean"
  elseif t == "array" then
    return is_seq(v) or nil, "expected an array"
  elseif t == "set" then
    return is_seq(v) or nil, "expected a set"
  elseif t == "map" then
    return tv == "table" or nil, "expected a map"
  elseif t == "record" then
    return (tv == "table" and (next(v) == nil or not json.is_sequence(v))) or nil,
           "expected a record"
  elseif t == "function" then
    return tv == "function" or nil, "expected a function"
  end
  return true -- json, foreign: accepted as given
end

process_field = function(def, v, path, errs)
  if v == nil then
    if def.default ~= nil then
      v = deep_copy(def.default)
      if (def.type == "array" or def.type == "set") and type(v) == "table" then
        json.mark_array(v)
      end
    elseif def.required ~= true then
      return null                           -- §2.2: missing non-required → null
    elseif def.type == "record" then
      v = {}                                -- §2.2: required record expanded from defaults
    else
      add_err(errs, path, "required field missing")
      return nil
    end
  end

  if v == null then
    if def.required == true then
      add_err(errs, path, "required field missing")
    end
    return null
  end

  local ok, type_msg = check_type(def, v)
  if not ok then
    add_err(errs, path, type_msg)
    return v
  end

  local t = def.type
  if t == "record" then
    v = process_record(def.fields, v, path, errs)
  elseif t == "array" or t == "set" then
    local out, seen = {}, {}
    for i, e in ipairs(v) do
      local pe = process_field(def.elements, e, path .. "." .. i, errs)
      if t == "set" then
        local key = type(pe) .. ":" .. tostring(pe)
        if type(pe) == "table" or not seen[key] then
          seen[key] = true
          out[#out + 1] = pe
        end
      else
        out[#out + 1] = pe
      end
    end
    v = json.mark_array(out)
  elseif t == "map" then
    local out = {}
    for k, e in pairs(v) do
      local kp = path .. "." .. tostring(k)
      if def.keys then
        local kok, kmsg = check_type(def.keys, k)
        if not kok then
          add_err(errs, kp, kmsg)
        else
          local kerr = run_validators(def.keys, k)
          if kerr then
            add_err(errs, kp, kerr)
          end
        end
      end
      out[k] = def.values and process_field(def.values, e, kp, errs) or e
    end
    v = out
  end

  local verr = run_validators(def, v)
  if verr then
    add_err(errs, path, verr)
  end
  return v
end

--- Build a plugin config from user input and the `config` field definition.
-- Returns config table (with json array markers), or nil + list of {path, message}.
function _M.build_config(config_def, input)
  local errs = {}
  if input == nil or input == null then
    input = {}
  end
  if type(input) ~= "table" or (next(input) ~= nil and json.is_sequence(input)) then
    return nil, { { path = "config", message = "expected a record" } }
  end
  local out = process_record(config_def.fields, input, "config", errs)
  if #errs > 0 then
    table.sort(errs, function(a, b) return a.path < b.path end)
    return nil, errs
  end
  return out
end

--- "config.a: msg; config.b: msg"
function _M.format_errors(errs)
  local parts = {}
  for i, e in ipairs(errs) do
    parts[i] = e.path .. ": " .. e.message
  end
  return concat(parts, "; ")
end

return _M
