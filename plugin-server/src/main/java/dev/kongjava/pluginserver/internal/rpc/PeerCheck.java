package dev.kongjava.pluginserver.internal.rpc;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may talk on the socket, by the peer's uid (SO_PEERCRED): the allowlist when there is one,
 * else exactly whom the socket file's mode admits (owner and root; the owning group with 0660;
 * anyone when world-writable). The first refusal of each user is logged.
 */
final class PeerCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PeerCheck.class);

    private final Set<PosixFilePermission> mode;
    private final Set<UserPrincipal> allowedUsers = new HashSet<>();
    private final UserPrincipal root;
    private final UserPrincipal owner;
    private final Object ownerGroup;
    private final Set<String> refusedUsersLogged = ConcurrentHashMap.newKeySet();

    /** For the socket file at {@code path}, which exists: its owner and group are read now. */
    PeerCheck(Path path, Set<PosixFilePermission> mode, Set<Integer> allowedUids) throws IOException {
        this.mode = Set.copyOf(mode);
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        this.root = users.lookupPrincipalByName("0");
        for (int uid : allowedUids) {
            allowedUsers.add(users.lookupPrincipalByName(Integer.toString(uid))); // equal by uid
        }
        this.owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        this.ownerGroup = Files.getAttribute(path, "posix:group", LinkOption.NOFOLLOW_LINKS);
    }

    boolean admits(SocketChannel socket) throws IOException {
        UnixDomainPrincipal peer = socket.getOption(ExtendedSocketOptions.SO_PEERCRED);
        boolean ok = allowedUsers.isEmpty() ? modeAdmits(peer) : allowedUsers.contains(peer.user());
        if (!ok && refusedUsersLogged.add(peer.user().getName())) {
            LOG.warn(
                    "refused a connection from user {}; further refusals of this user are not logged",
                    peer.user().getName());
        }
        return ok;
    }

    private boolean modeAdmits(UnixDomainPrincipal peer) {
        if (peer.user().equals(owner) || peer.user().equals(root) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            return true;
        }
        return peer.group().equals(ownerGroup) && mode.contains(PosixFilePermission.GROUP_WRITE);
    }
}
