-- kpeer.mp: MessagePack helpers for the Kong-side peer.
--
-- docs/protocol.md §4.4 "Encoding details": Kong packs with lua-MessagePack, strings with the
-- `string_compat` packer (fixstr / str16 / str32, never str8), integral numbers as ints,
-- other numbers as float64, cjson.null as nil, and forces two wire types by hand:
--   * an empty header/query map must go out as an empty msgpack MAP (the library would
--     pack an empty Lua table as an empty array);
--   * raw bodies go out as msgpack BIN (3.0+ `fix_raw`).
--
-- How we force a wire type: lua-MessagePack dispatches on `type(value)` through its public
-- `packers` table.  We register a packer for Lua *functions* that simply calls the function
-- with the output buffer; a value that must have a particular encoding is then replaced by
-- a small closure that writes it with the library's own low-level `map` / `array` /
-- `binary` packers.  Nothing else in the library is changed.

local mp = require "MessagePack"
local cjson = require "cjson.safe"

local packers = mp.packers
local error = error

-- the library's default is already 'string_compat' (what Kong uses, §4.4); make it explicit
mp.set_string("string_compat")

-- a function value writes itself (see header comment)
packers["function"] = function(buffer, writer)
  writer(buffer)
end

-- cjson.null / ngx.null (both a NULL light userdata) are packed as msgpack nil (§4.4, 3.0+)
local pack_nil = packers["nil"]
packers["userdata"] = function(buffer, value)
  if value == cjson.null or value == ngx.null then
    return pack_nil(buffer)
  end
  error("pack 'userdata' is unimplemented")
end

local _M = {}

--- writer for an empty msgpack map (0x80)
function _M.empty_map(buffer)
  packers["map"](buffer, {}, 0)
end

--- writer for an empty msgpack array (0x90)
function _M.empty_array(buffer)
  packers["array"](buffer, {}, 0)
end

--- wrap a Lua string so that it is packed as msgpack bin (0xc4/0xc5/0xc6).
-- Like Kong 3.x this does not check its argument: a nil body fails later, inside the
-- packer, with "attempt to get length of local 'str' (a nil value)" (§7.2).
function _M.bin(str)
  return function(buffer)
    packers["binary"](buffer, str)
  end
end

_M.pack = mp.pack
_M.unpack = mp.unpack
_M.unpacker = mp.unpacker
_M.library_version = mp._VERSION

return _M
