package dev.kongjava.testkit.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/** A SASL user name and password, restricted to characters that need no quoting anywhere. */
record Credential(String name, String password) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@+-]+");
    // StorageTool's --add-scram syntax and JAAS quoted strings both break on quotes, backslashes,
    // commas, brackets and '=', so those are refused up front with a clear message.
    private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9._@+\\-!#$%&*()~:;?/^|{}<>]+");

    Credential {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "Invalid SASL user name '" + name + "': use letters, digits and . _ @ + - only");
        }
        if (password == null || !PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException("Invalid password for SASL user " + name
                    + ": must be non-empty without spaces, quotes, backslashes, commas, brackets or '='");
        }
    }

    /** StorageTool arguments creating each user for SCRAM-SHA-256 and SCRAM-SHA-512. */
    static List<String> scramFormatArguments(Collection<Credential> users) {
        List<String> args = new ArrayList<>();
        for (Credential user : users) {
            for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
                args.add("--add-scram");
                args.add(mechanism + "=[name=" + user.name + ",password=" + user.password + "]");
            }
        }
        return args;
    }

    /** The JAAS options for PLAIN or SCRAM client login as this user. */
    String jaasOptions() {
        return "username=\"" + name + "\" password=\"" + password + "\"";
    }

    @Override
    public String toString() {
        return "Credential[name=" + name + ", password=****]";
    }
}
