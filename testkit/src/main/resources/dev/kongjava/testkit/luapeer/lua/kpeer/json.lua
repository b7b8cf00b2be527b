-- kpeer.json: JSON helpers.
--
-- Debian's lua-cjson 2.1.0 has no `array_mt`, so an empty Lua table always encodes as `{}`.
-- Kong (OpenResty's cjson fork) marks array/set defaults with `cjson.array_mt`, so the
-- `Config` string of StartInstance carries `[]` for an empty array (doc §2.3 example:
-- `"header_rules":[]`).  This module provides a marker metatable and a small encoder that
-- honours it.  Strings are escaped by cjson; numbers are written here with 16 significant
-- digits like Kong's globalpatches (`CJSON_MAX_PRECISION` = 16; Debian's cjson stops at 14),
-- integers up to 2^53 in plain decimal.

local cjson = require "cjson.safe"


local type = type
local pairs = pairs
local tostring = tostring
local getmetatable = getmetatable
local setmetatable = setmetatable
local concat = table.concat
local sort = table.sort
local null = cjson.null

local _M = {}

local ARRAY_MT = { __kpeer_array = true }
_M.array_mt = ARRAY_MT
_M.null = null

function _M.mark_array(t)
  return setmetatable(t, ARRAY_MT)
end

function _M.is_array_marked(t)
  return getmetatable(t) == ARRAY_MT
end

--- true when t is a non-empty Lua sequence 1..n without other keys
local function is_sequence(t)
  local n = 0
  for k in pairs(t) do
    if type(k) ~= "number" or k < 1 or k % 1 ~= 0 then
      return false
    end
    n = n + 1
  end
  if n == 0 then
    return false
  end
  for i = 1, n do
    if t[i] == nil then
      return false
    end
  end
  return true, n
end
_M.is_sequence = is_sequence

local encode_value

local function encode_table(t, out)
  local seq, n = is_sequence(t)
  if seq or getmetatable(t) == ARRAY_MT then
    n = n or #t
    out[#out + 1] = "["
    for i = 1, n do
      if i > 1 then
        out[#out + 1] = ","
      end
      encode_value(t[i], out)
    end
    out[#out + 1] = "]"
    return
  end
  local keys = {}
  for k in pairs(t) do
    keys[#keys + 1] = tostring(k)
  end
  sort(keys)
  out[#out + 1] = "{"
  for i, k in ipairs(keys) do
    if i > 1 then
      out[#out + 1] = ","
    end
    out[#out + 1] = cjson.encode(k)
    out[#out + 1] = ":"
    local v = t[k]
    if v == nil then
      v = t[tonumber(k)]
    end
    encode_value(v, out)
  end
  out[#out + 1] = "}"
end

encode_value = function(v, out)
  local tv = type(v)
  if tv == "table" then
    return encode_table(v, out)
  elseif v == nil or v == null then
    out[#out + 1] = "null"
  elseif tv == "number" then
    if v ~= v or v == math.huge or v == -math.huge then
      error("cannot JSON-encode NaN or infinity")
    end
    if v % 1 == 0 and v >= -9007199254740992 and v <= 9007199254740992 then
      out[#out + 1] = string.format("%d", v)
    else
      out[#out + 1] = string.format("%.16g", v)
    end
  elseif tv == "string" or tv == "boolean" then
    local s, err = cjson.encode(v)
    if not s then
      error(err)
    end
    out[#out + 1] = s
  else
    error("cannot JSON-encode a value of type " .. tv)
  end
end

--- encode with empty arrays honoured (see header); keys sorted for stable output
function _M.encode(v)
  local out = {}
  local ok, err = pcall(encode_value, v, out)
  if not ok then
    return nil, err
  end
  return concat(out)
end

_M.decode = cjson.decode
_M.cjson = cjson

return _M
