package dev.kongjava.testkit.luapeer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** The Debian packages the peer needs, and where their Lua C modules live. */
final class PeerPrerequisites {
    private static final Path LUA_SHARE = Paths.get("/usr/share/lua/5.1");
    private static final Path FALLBACK_CPATH = Paths.get("/usr/lib/x86_64-linux-gnu/lua/5.1");

    private PeerPrerequisites() {}

    /** Why the peer cannot run here, or {@code null} when it can. */
    static String unavailableReason() {
        List<String> missing = new ArrayList<>();
        Path nginx = LuaPeer.DEFAULT_NGINX;
        Path modules = LuaPeer.DEFAULT_MODULES_DIR;
        if (!Files.isExecutable(nginx)) {
            missing.add(nginx + " (apt-get install nginx)");
        }
        requireFile(missing, modules.resolve("ngx_http_lua_module.so"), "libnginx-mod-http-lua");
        requireFile(missing, modules.resolve("ndk_http_module.so"), "libnginx-mod-http-ndk");
        requireFile(missing, LUA_SHARE.resolve("MessagePack.lua"), "lua-messagepack");
        requireFile(missing, LUA_SHARE.resolve("resty/core.lua"), "lua-resty-core");
        if (findLuaCpathDir() == null) {
            missing.add("/usr/lib/<arch>/lua/5.1/cjson.so (lua-cjson)");
        }
        if (missing.isEmpty()) {
            return null;
        }
        return "Lua peer unavailable, missing: " + String.join(", ", missing)
                + ". Install: apt-get install -y nginx libnginx-mod-http-lua libnginx-mod-http-ndk"
                + " lua-resty-core lua-resty-lrucache luajit2 lua-messagepack lua-cjson";
    }

    private static void requireFile(List<String> missing, Path file, String debianPackage) {
        if (!Files.isRegularFile(file)) {
            missing.add(file + " (" + debianPackage + ")");
        }
    }

    /** {@code lua_package_path} entries for Debian's pure-Lua modules. */
    static String luaPath() {
        return LUA_SHARE + "/?.lua;" + LUA_SHARE + "/?/init.lua";
    }

    /** {@code lua_package_cpath} entry: the multiarch directory holding cjson.so. */
    static String luaCpath() {
        Path dir = findLuaCpathDir();
        return (dir != null ? dir : FALLBACK_CPATH) + "/?.so";
    }

    /** Debian puts C modules under the multiarch triplet, which differs per architecture. */
    private static Path findLuaCpathDir() {
        Path lib = Paths.get("/usr/lib");
        if (!Files.isDirectory(lib)) {
            return null;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(lib)) {
            for (Path d : dirs) {
                Path candidate = d.resolve("lua/5.1");
                if (Files.isRegularFile(candidate.resolve("cjson.so"))) {
                    return candidate;
                }
            }
        } catch (IOException e) {
            return null;
        }
        Path plain = Paths.get("/usr/lib/lua/5.1");
        return Files.isRegularFile(plain.resolve("cjson.so")) ? plain : null;
    }
}
