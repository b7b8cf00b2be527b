-- kpeer.schema: plugin schema acceptance and config building (defaults + validation), with the
-- entity checks of kpeer.entity.
--
-- Follows docs/protocol.md §2.2 (what Kong accepts as a schema) and §2.3 (the config):
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
-- and 10", "length must be at least 1", "value must be greater than 0", "unknown field"),
-- nested as Kong nests them, validators in Kong's order, a field's `err` replacing theirs.

local json = require "kpeer.json"
local entity = require "kpeer.entity"

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

-- Keys of Kong's MetaSubSchema that a JSON dump can carry (`check` would be a Lua function)
local SUBSCHEMA_KEYS = {
  name = true, fields = true, entity_checks = true, shorthand_fields = true, transformations = true,
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
    if def.entity_checks ~= nil then
      entity.check_schema(def.entity_checks, def, path .. ".entity_checks", errs)
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
  for key in pairs(schema) do
    if not SUBSCHEMA_KEYS[key] then
      errs[#errs + 1] = tostring(key) .. ": unknown field"
    end
  end
  if schema.fields == nil then
    errs[#errs + 1] = "fields: required field missing"
  else
    check_fields(schema.fields, "fields", errs)
  end
  if #errs == 0 and schema.entity_checks ~= nil then
    entity.check_schema(schema.entity_checks, schema, "entity_checks", errs)
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
-- config processing: defaults (Kong's process_auto_fields on insert), then validation
-- (Schema:validate_field / Schema:validate), errors nested as Kong nests them:
--   { topic = "<message>", authentication = { user = "<message>" }, tags = { [2] = "<message>" } }
----------------------------------------------------------------------------------------

local REQUIRED = "required field missing"

local function length_of(v)
  if type(v) == "string" then
    return #v -- bytes, like Kong
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
  if #s ~= 36 then
    return false
  end
  if re_find then
    return re_find(s, UUID_RE, "joi") ~= nil
  end
  return s:match("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$") ~= nil
end

local function contains(list, v)
  for _, o in ipairs(list) do
    if o == v then
      return true
    end
  end
  return false
end

-- Kong's validators in Kong's order (Schema.validators_order); the first failure is returned.
-- A string without len_min gets len_min 1, as Kong's validate_field gives it.
local function run_validators(def, v)
  local t = def.type
  if def.eq ~= nil and v ~= def.eq then
    return fmt("value must be %s", show(def.eq))
  end
  if def.ne ~= nil and v == def.ne then
    return fmt("value must not be %s", show(def.ne))
  end
  if def.not_one_of and contains(def.not_one_of, v) then
    return "must not be one of: " .. join_values(def.not_one_of)
  end
  if def.one_of and not contains(def.one_of, v) then
    return "expected one of: " .. join_values(def.one_of)
  end
  if def.gt ~= nil and type(v) == "number" and not (v > def.gt) then
    return fmt("value must be greater than %s", show(def.gt))
  end
  if def.timestamp and type(v) == "number" and not (v > 0) then
    return "expected a valid timestamp"
  end
  if type(v) == "string" then
    if def.uuid and not is_uuid(v) then
      return "expected a valid UUID"
    end
    if def.is_regex and re_find then
      local ok, _, err = pcall(re_find, "any string", v, "jo")
      if not ok or err then
        return fmt("not a valid regex: %s", v)
      end
    end
  end
  if def.between and type(v) == "number" then
    local lo, hi = def.between[1], def.between[2]
    if v < lo or v > hi then
      return fmt("value should be between %d and %d", lo, hi)
    end
  end
  if type(v) == "string" or type(v) == "table" then
    local len_min = def.len_min
    if len_min == nil and t == "string" then
      len_min = 1
    end
    if def.len_eq ~= nil and length_of(v) ~= def.len_eq then
      return fmt("length must be %d", def.len_eq)
    end
    if len_min ~= nil and length_of(v) < len_min then
      return fmt("length must be at least %d", len_min)
    end
    if def.len_max ~= nil and length_of(v) > def.len_max then
      return fmt("length must be at most %d", def.len_max)
    end
  end
  if type(v) == "string" then
    if def.starts_with and v:sub(1, #def.starts_with) ~= def.starts_with then
      return fmt("should start with: %s", def.starts_with)
    end
    if def.not_match and lua_pattern_match(v, def.not_match) then
      return fmt("invalid value: %s", v)
    end
    for _, m in ipairs(def.match_none or {}) do
      if lua_pattern_match(v, m.pattern) then
        return m.err or fmt("invalid value: %s", v)
      end
    end
    if def.match and not lua_pattern_match(v, def.match) then
      return fmt("invalid value: %s", v)
    end
    for _, m in ipairs(def.match_all or {}) do
      if not lua_pattern_match(v, m.pattern) then
        return m.err or fmt("invalid value: %s", v)
      end
    end
    if def.match_any then
      local any = false
      for _, p in ipairs(def.match_any.patterns or {}) do
        any = any or lua_pattern_match(v, p)
      end
      if not any then
        return def.match_any.err or fmt("invalid value: %s", v)
      end
    end
  end
  if def.contains ~= nil and type(v) == "table" and not contains(v, def.contains) then
    return fmt("expected to contain: %s", show(def.contains))
  end
  return nil
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

local validate_field

-- Kong's Schema:validate for a record's fields: each given key, the required ones, the record's
-- own entity checks. Returns the errors table or nil.
local function validate_record(def, v)
  local errs, known = {}, {}
  for name, sub in each_field(def.fields or {}) do
    known[name] = true
    local value = v[name]
    if value == nil or value == null then
      if sub.required == true then
        errs[name] = REQUIRED
      end
    end
    if value ~= nil then
      errs[name] = errs[name] or validate_field(sub, value)
    end
  end
  for k in pairs(v) do
    if not known[k] then
      errs[k] = "unknown field"
    end
  end
  entity.run(def.entity_checks, def, v, errs, validate_field)
  return next(errs) ~= nil and errs or nil
end

-- an element of an array or set, a key or a value of a map: Kong marks them required
local function validate_member(def, v)
  if v == null then
    return REQUIRED
  end
  return validate_field(def, v)
end

--- Kong's Schema:validate_field(def, v): nil when valid, else a message or a table of errors.
validate_field = function(def, v)
  if v == nil or v == null then
    if def.eq ~= nil and def.eq ~= null then
      return fmt("value must be %s", show(def.eq))
    end
    return def.required == true and REQUIRED or nil
  end
  local ok, type_msg = check_type(def, v)
  if not ok then
    return type_msg
  end
  local t = def.type
  if t == "record" then
    local errs = validate_record(def, v)
    if errs then
      return errs
    end
  elseif t == "array" or t == "set" then
    local errs
    for i, e in ipairs(v) do
      local err = validate_member(def.elements, e)
      if err then
        errs = errs or {}
        errs[i] = err
      end
    end
    if errs then
      return errs
    end
  elseif t == "map" then
    for k, e in pairs(v) do
      local err = validate_member(def.keys or {}, k) or validate_member(def.values or {}, e)
      if err then
        return err
      end
    end
  elseif t == "string" and def.referenceable and entity.is_reference(v) then
    return nil -- resolved from the vault later
  end
  local err = run_validators(def, v)
  if err then
    return def.err or err
  end
  return nil
end

-- Kong's process_auto_fields on insert: a missing field gets a deep copy of its default, a
-- missing optional field null, a missing required record its sub-fields' defaults.
local function fill_defaults(def, v)
  if v == nil then
    if def.default ~= nil then
      v = deep_copy(def.default)
      if (def.type == "array" or def.type == "set") and type(v) == "table" then
        json.mark_array(v)
      end
      return v
    elseif def.required ~= true then
      return null
    elseif def.type ~= "record" then
      return nil -- reported as missing by the validation
    end
    v = {}
  end
  if v == null or not check_type(def, v) then
    return v
  end
  if def.type == "record" then
    local out = {}
    for k, x in pairs(v) do
      out[k] = x -- unknown keys stay, to be reported
    end
    for name, sub in each_field(def.fields or {}) do
      out[name] = fill_defaults(sub, v[name])
    end
    return out
  elseif def.type == "array" or def.type == "set" then
    local out, seen = {}, {}
    for _, e in ipairs(v) do
      local x = e == null and e or fill_defaults(def.elements, e)
      local key = type(x) .. ":" .. tostring(x)
      if def.type == "array" or type(x) == "table" or not seen[key] then
        seen[key] = true
        out[#out + 1] = x
      end
    end
    return json.mark_array(out)
  elseif def.type == "map" and def.values then
    local out = {}
    for k, e in pairs(v) do
      out[k] = e == null and e or fill_defaults(def.values, e)
    end
    return out
  end
  return v
end

--- Validate a plugin's config as Kong does when it is written (Admin API, kong.yml): defaults,
--- field validation, then the entity checks of the record and of the plugin schema.
--- Returns the config to send in StartInstance, or nil and Kong's errors table
--- ({ config = {...}, ["@entity"] = {...} }).
function _M.validate_plugin(plugin, input)
  if input == nil or input == null then
    input = {}
  end
  if type(input) ~= "table" or (next(input) ~= nil and json.is_sequence(input)) then
    return nil, { config = "expected a record" }
  end
  local config = fill_defaults({ type = "record", required = true, fields = plugin.config_def.fields }, input)
  local errors = {}
  errors.config = validate_record(plugin.config_def, config)
  entity.run(plugin.schema.entity_checks, plugin.schema, { config = config }, errors, validate_field)
  if next(errors) ~= nil then
    return nil, errors
  end
  return config
end

return _M
