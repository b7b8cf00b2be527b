-- kpeer.entity: entity checks (checks across fields) as Kong 3.0 to 3.9 define and run them
-- (Kong's schema validator: its entity checkers and how it runs them; its metaschema:
-- entity_checks_schema). Only the kinds a JSON schema can carry; custom_entity_check needs a Lua
-- function. Messages are Kong's validation_errors.
--
--   acceptance  _M.check_schema(checks, schema, where) -> list of problems (metaschema rules,
--               plus: every path must name a field, which Kong only finds out at the next write)
--   evaluation  _M.run(checks, schema, input, errors, validate): adds field errors where the check
--               says (conditional: the then_field) and the check's message under errors["@entity"]

local json = require "kpeer.json"

local null = json.null
local type = type
local ipairs = ipairs
local pairs = pairs
local next = next
local tostring = tostring
local setmetatable = setmetatable
local fmt = string.format
local concat = table.concat

local _M = {}

local REQUIRED = "required field missing"

local MESSAGES = {
  at_least_one_of = "at least one of these fields must be non-empty: %s",
  conditional_at_least_one_of = "at least one of these fields must be non-empty: %s",
  only_one_of = "exactly one of these fields must be non-empty: %s",
  distinct = "values of these fields must be distinct: %s",
  conditional = "failed conditional validation given value of field '%s'",
  mutually_required = "all or none of these fields must be set: %s",
  mutually_exclusive = "only one or none of these fields must be set: %s",
  mutually_exclusive_sets = "these sets are mutually exclusive: %s",
}

----------------------------------------------------------------------------------------
-- paths and values
----------------------------------------------------------------------------------------

-- Kong's get_schema_field over a dumped schema ({fields = {{name = def}, ...}})
local function field_def(schema, path)
  local def = schema
  for name in (path .. "."):gmatch("([^.]*)%.") do
    local found
    for _, entry in ipairs(type(def) == "table" and def.fields or {}) do
      if type(entry) == "table" and entry[name] ~= nil then
        found = entry[name]
        break
      end
    end
    if type(found) ~= "table" then
      return nil
    end
    def = found
  end
  return def
end

-- Kong's get_field / set_field ("a.b.c" in nested tables)
local function get_field(t, path)
  for name in (path .. "."):gmatch("([^.]*)%.") do
    if type(t) ~= "table" then
      return nil
    end
    t = t[name]
  end
  return t
end

local function set_field(t, path, value)
  local head, rest = path:match("^([^.]*)%.(.*)$")
  if not head then
    t[path] = value
    return
  end
  if t[head] == nil then
    t[head] = {}
  end
  if type(t[head]) == "table" then
    set_field(t[head], rest, value)
  end
end

local function is_nonempty(v)
  return not (v == nil or v == null or (type(v) == "table" and next(v) == nil) or v == "")
end

local function is_reference(v)
  return type(v) == "string" and v:sub(1, 9) == "{vault://" and v:sub(-1) == "}"
end
_M.is_reference = is_reference

local function quoted_list(names)
  local out = {}
  for i, n in ipairs(names) do
    out[i] = type(n) == "table" and "(" .. quoted_list(n) .. ")" or fmt("'%s'", tostring(n))
  end
  return concat(out, ", ")
end

-- A conditional's match: its own validators, anything else from the field (Kong sets the field
-- definition as the match's metatable __index).
local function with_field(schema, path, match)
  local def = field_def(schema, path) or {}
  return setmetatable({}, { __index = function(_, k)
    local v = match[k]
    if v == nil then
      v = def[k]
    end
    return v
  end })
end

local function matches(validate, schema, path, match, value)
  return validate(with_field(schema, path, match), value) == nil
end

----------------------------------------------------------------------------------------
-- the checkers (Schema.entity_checkers)
----------------------------------------------------------------------------------------

local function count_nonempty(entity, names)
  local n = 0
  for _, name in ipairs(names) do
    if is_nonempty(get_field(entity, name)) then
      n = n + 1
    end
  end
  return n
end

local function any_nonempty(entity, names)
  return count_nonempty(entity, names or {}) > 0
end

local function format_err(template, value)
  if not template then
    return nil
  end
  local ok, text = pcall(fmt, template, value)
  return ok and text or template
end

local CHECKERS = {
  at_least_one_of = { missing = true, invalid = true, fn = function(entity, names)
    if any_nonempty(entity, names) then
      return true
    end
    return nil, quoted_list(names)
  end },

  conditional_at_least_one_of = { missing = true, invalid = true,
    sources = { "if_field", "then_at_least_one_of", "else_then_at_least_one_of" }, required = {},
    fn = function(entity, arg, schema, _, validate)
      local if_value = get_field(entity, arg.if_field)
      if if_value == nil then
        return true
      end
      local names, err
      if matches(validate, schema, arg.if_field, arg.if_match, if_value) then
        names, err = arg.then_at_least_one_of, arg.then_err
      elseif arg.else_match ~= nil and matches(validate, schema, arg.if_field, arg.else_match, if_value) then
        names, err = arg.else_then_at_least_one_of, arg.else_then_err
      else
        return true
      end
      if any_nonempty(entity, names) then
        return true
      end
      local list = quoted_list(names or {})
      return nil, list, format_err(err, list)
    end },

  only_one_of = { missing = false, invalid = true, fn = function(entity, names)
    if count_nonempty(entity, names) == 1 then
      return true
    end
    return nil, quoted_list(names)
  end },

  distinct = { missing = false, invalid = true, fn = function(entity, names)
    local seen = {}
    for _, name in ipairs(names) do
      local v = get_field(entity, name)
      if is_nonempty(v) then
        if seen[v] then
          return nil, quoted_list(names)
        end
        seen[v] = true
      end
    end
    return true
  end },

  conditional = { missing = false, invalid = true, sources = { "if_field", "then_field" },
    required = { if_field = true },
    fn = function(entity, arg, schema, errors, validate)
      local if_value = get_field(entity, arg.if_field)
      local then_value = get_field(entity, arg.then_field)
      if then_value == nil then
        then_value = null
      end
      if not matches(validate, schema, arg.if_field, arg.if_match, if_value) then
        return true
      end
      if arg.then_match.required == true and then_value == null then
        set_field(errors, arg.then_field, REQUIRED)
        return nil, arg.if_field
      end
      local err = validate(with_field(schema, arg.then_field, arg.then_match), then_value)
      if err then
        set_field(errors, arg.then_field, err)
        return nil, arg.if_field, format_err(arg.then_err, arg.if_field)
      end
      return true
    end },

  mutually_required = { missing = true, fn = function(entity, names)
    local n = count_nonempty(entity, names)
    if n == 0 or n == #names then
      return true
    end
    return nil, quoted_list(names)
  end },

  mutually_exclusive = { missing = true, fn = function(entity, names)
    if count_nonempty(entity, names) <= 1 then
      return true
    end
    return nil, quoted_list(names)
  end },

  mutually_exclusive_sets = { missing = true, sources = { "set1", "set2" }, required = {},
    fn = function(entity, arg)
      local function nonempty(names)
        local out = {}
        for _, name in ipairs(names or {}) do
          if is_nonempty(get_field(entity, name)) then
            out[#out + 1] = name
          end
        end
        return out
      end
      local a, b = nonempty(arg.set1), nonempty(arg.set2)
      if #a > 0 and #b > 0 then
        return nil, fmt("(%s), (%s)", quoted_list(a), quoted_list(b))
      end
      return true
    end },
}

----------------------------------------------------------------------------------------
-- running them (run_entity_check with full_check = true, as for an insert)
----------------------------------------------------------------------------------------

local function fields_of(checker, arg)
  local fields, required = {}, {}
  if not checker.sources then
    for _, f in ipairs(arg) do
      fields[#fields + 1] = f
      required[f] = true
    end
    return fields, required
  end
  for _, source in ipairs(checker.sources) do
    local v = arg[source]
    for _, f in ipairs(type(v) == "table" and v or { v }) do
      fields[#fields + 1] = f
      if checker.required[source] then
        required[f] = true
      end
    end
  end
  return fields, required
end

local function run_one(name, arg, schema, input, errors, validate)
  local checker = CHECKERS[name]
  local fields, required = fields_of(checker, arg)
  local check_input, missing, all_nil, all_ok = {}, nil, true, true
  for _, f in ipairs(fields) do
    local value = get_field(input, f)
    if value == nil then
      if not checker.missing and not arg.run_with_missing_fields and required[f]
         and not (field_def(schema, f) or {}).nilable then
        missing = missing or {}
        missing[#missing + 1] = f
      end
    else
      all_nil = false
      local def = field_def(schema, f)
      if def and def.type == "string" and def.referenceable and is_reference(value) then
        return -- a vault reference is resolved later; Kong skips the check
      end
    end
    if errors[f] ~= nil then -- a dotted path is never a key of errors: only top-level fields count
      all_ok = false
    end
    set_field(check_input, f, value)
  end
  if (not all_ok and not checker.invalid and not arg.run_with_invalid_fields)
     or (all_nil and not checker.missing) then
    return
  end
  if missing then
    for _, f in ipairs(missing) do
      set_field(errors, f, "field required for entity check")
    end
    return
  end
  local ok, err, custom = checker.fn(check_input, arg, schema, errors, validate)
  if not ok then
    errors["@entity"] = errors["@entity"] or {}
    local list = errors["@entity"]
    list[#list + 1] = custom or fmt(MESSAGES[name], tostring(err))
  end
end

--- Run `checks` (a schema's entity_checks) over `input`; `validate(def, value)` returns a field
--- error or nil (kpeer.schema's validate_field).
function _M.run(checks, schema, input, errors, validate)
  for _, check in ipairs(checks or {}) do
    local name, arg = next(check)
    if CHECKERS[name] and arg ~= nil and arg ~= null then
      run_one(name, arg, schema, input, errors, validate)
    end
  end
end

----------------------------------------------------------------------------------------
-- acceptance (entity_checks_schema of the metaschema)
----------------------------------------------------------------------------------------

-- the keys of each record-valued kind: "path", "paths", "match", "text" or "flag"
local RECORD_KEYS = {
  conditional = { if_field = "path", if_match = "match", then_field = "path", then_match = "match",
                  then_err = "text", run_with_missing_fields = "flag", -- the flags: 3.2+ / 3.4+
                  run_with_invalid_fields = "flag" },
  conditional_at_least_one_of = { if_field = "path", if_match = "match", then_at_least_one_of = "paths",
                                  then_err = "text", else_match = "match",
                                  else_then_at_least_one_of = "paths", else_then_err = "text" },
  mutually_exclusive_sets = { set1 = "paths", set2 = "paths" },
}
-- conditional_validators: required, elements, keys, values and the validators
local MATCH_KEYS = {}
for k in ("required elements keys values between eq ne gt len_eq len_min len_max match not_match "
          .. "match_all match_none match_any starts_with one_of not_one_of contains is_regex timestamp "
          .. "uuid mutually_exclusive_subsets"):gmatch("%S+") do
  MATCH_KEYS[k] = true
end

local function check_path(schema, path, where, problems)
  if type(path) ~= "string" then
    problems[#problems + 1] = where .. ": expected a string"
  elseif not field_def(schema, path) then
    problems[#problems + 1] = fmt("%s: '%s' names no field of the schema", where, path)
  end
end

local function check_arg(name, arg, schema, where, problems)
  local keys = RECORD_KEYS[name]
  if not keys then -- an array of field paths
    if type(arg) ~= "table" then
      problems[#problems + 1] = where .. ": expected an array"
      return
    end
    for _, path in ipairs(arg) do
      check_path(schema, path, where, problems)
    end
    return
  end
  if type(arg) ~= "table" then
    problems[#problems + 1] = where .. ": expected a record"
    return
  end
  for key, value in pairs(arg) do
    local role, at = keys[key], where .. "." .. tostring(key)
    if not role then
      problems[#problems + 1] = at .. ": unknown field"
    elseif role == "path" then
      check_path(schema, value, at, problems)
    elseif role == "paths" then
      for _, path in ipairs(type(value) == "table" and value or {}) do
        check_path(schema, path, at, problems)
      end
    elseif role == "match" then
      for k in pairs(type(value) == "table" and value or {}) do
        if not MATCH_KEYS[k] then
          problems[#problems + 1] = at .. "." .. tostring(k) .. ": unknown field"
        end
      end
    end
  end
end

--- Problems with `checks` of `schema` (the record or sub-schema whose fields the paths name).
function _M.check_schema(checks, schema, where, problems)
  if type(checks) ~= "table" then
    problems[#problems + 1] = where .. ": expected an array"
    return
  end
  for i, check in ipairs(checks) do
    local at = fmt("%s.%d", where, i)
    local name, arg = next(type(check) == "table" and check or {})
    if name == nil or next(check, name) ~= nil then
      problems[#problems + 1] = at .. ": exactly one of these fields must be non-empty: "
                                .. "entity check kinds"
    elseif name == "custom_entity_check" then
      problems[#problems + 1] = at .. ".custom_entity_check: needs a Lua function, impossible in a dump"
    elseif not CHECKERS[name] then
      problems[#problems + 1] = at .. "." .. tostring(name) .. ": unknown field"
    else
      check_arg(name, arg, schema, at .. "." .. name, problems)
    end
  end
end

return _M
