-- kpeer.errors: Kong's "schema violation" error (as Kong's database errors build it, 3.0 to
-- 3.9) from a table of validation errors as Kong nests them:
--   { ["@entity"] = { "<entity check message>", ... },
--     config = { topic = "<message>", authentication = { user = "<message>" },
--                allowed_topics = { [2] = "<message>" } } }
-- The message lists the entity errors first, then every field sorted by name, two levels deep as
-- "config.topic: <message>"; deeper tables are written as Penlight's pretty.write writes them
-- (Kong pins Penlight 1.13/1.14: sorted string keys, identifiers bare, other keys bracketed).

local type = type
local pairs = pairs
local ipairs = ipairs
local tostring = tostring
local fmt = string.format
local concat = table.concat
local sort = table.sort

local _M = {}

local LUA_KEYWORDS = {}
for w in ("and break do else elseif end false for function goto if in local nil not or repeat "
          .. "return then true until while"):gmatch("%S+") do
  LUA_KEYWORDS[w] = true
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do
    keys[#keys + 1] = k
  end
  sort(keys, function(a, b)
    if type(a) == type(b) then
      return a < b
    end
    return type(a) < type(b)
  end)
  return keys
end

-- pl.stringx.quote_string: long brackets for text with newlines or bracket sequences, else %q
local function quote_string(s)
  local equals
  local finish = 1
  repeat
    local _, f, _, eq = s:find("([%[%]])(=*)%1", finish)
    finish = f
    if eq then
      equals = math.max(equals or 0, #eq)
    end
  until not eq
  if (s:find("\n") or equals) and not s:find("\r") then
    local signs = ("="):rep((equals or -1) + 1)
    if s:find("^\n") then
      s = "\n" .. s
    end
    return "[" .. signs .. "[" .. s .. "]" .. signs .. "]"
  end
  return (fmt("%q", s):gsub("\r", "\\r"))
end

local function key_text(k)
  if type(k) == "number" then
    return "[" .. tostring(k) .. "]"
  end
  k = tostring(k)
  if k:find("^[%a_][%w_]*$") and not LUA_KEYWORDS[k] then
    return k
  end
  local q = quote_string(k)
  return "[" .. (q:find("^%[") and (" " .. q .. " ") or q) .. "]"
end

--- pl.pretty.write(t) with its default indent of two spaces
function _M.pretty(t)
  local lines, line = {}, ""
  local function put(s)
    line = line .. s
  end
  local function putln(s)
    if #line > 0 then
      lines[#lines + 1] = line .. s
      line = ""
    else
      lines[#lines + 1] = s
    end
  end
  local function eat_last_comma()
    lines[#lines] = lines[#lines]:gsub(",$", "")
  end
  local function write(v, oldindent, indent)
    if type(v) == "string" then
      return putln(quote_string(v) .. ",")
    elseif type(v) ~= "table" then
      local s = tostring(v)
      return putln((s:find(" ") and quote_string(s) or s) .. ",")
    end
    local newindent = indent .. "  "
    putln("{")
    local used = {}
    for i, x in ipairs(v) do
      put(indent)
      write(x, indent, newindent)
      used[i] = true
    end
    -- string keys sorted, then the numeric keys the array part did not cover
    local keys, numbers = {}, {}
    for _, k in ipairs(sorted_keys(v)) do
      if type(k) ~= "number" then
        keys[#keys + 1] = k
      elseif not used[k] then
        numbers[#numbers + 1] = k
      end
    end
    for _, k in ipairs(numbers) do
      keys[#keys + 1] = k
    end
    for _, k in ipairs(keys) do
      put(indent .. key_text(k) .. " = ")
      write(v[k], indent, newindent)
    end
    eat_last_comma()
    putln(oldindent .. "},")
  end
  write(t, "", "  ")
  eat_last_comma()
  return concat(lines, "\n")
end

--- Kong's message: "schema violation (<one>)" or "<n> schema violations (<a>; <b>)"
function _M.schema_violation(errors)
  local buf = {}
  for _, err in ipairs(errors["@entity"] or {}) do
    buf[#buf + 1] = err
  end
  for _, name in ipairs(sorted_keys(errors)) do
    if name ~= "@entity" then
      local field_errors = errors[name]
      if type(field_errors) == "table" then
        for _, sub in ipairs(sorted_keys(field_errors)) do
          local value = field_errors[sub]
          if type(value) == "table" then
            value = _M.pretty(value)
          end
          buf[#buf + 1] = fmt("%s.%s: %s", tostring(name), tostring(sub), tostring(value))
        end
      else
        buf[#buf + 1] = fmt("%s: %s", tostring(name), tostring(field_errors))
      end
    end
  end
  if #buf == 1 then
    return fmt("schema violation (%s)", buf[1])
  end
  return fmt("%d schema violations (%s)", #buf, concat(buf, "; "))
end

--- The body of Kong's Admin API answer to a schema violation (HTTP 400): the err_t of
--- as Kong builds it: {code = 2, name = "schema violation", message, fields}
function _M.schema_violation_body(errors)
  return { code = 2, name = "schema violation", message = _M.schema_violation(errors), fields = errors }
end

return _M
