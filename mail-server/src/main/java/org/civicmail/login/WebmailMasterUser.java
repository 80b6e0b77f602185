package org.civicmail.login;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.civicmail.server.DataDirectory;
import org.civicmail.server.SecretFiles;

/**
 * The webmail's master user (James's administrator): the one credential that may act for another account
 * (certificate login: IMAP with a SASL authorization id, submission as {@code USER*MASTER}), checked by
 * {@link AccountLogin}. Its random password lives in {@code DATA/keys/webmail-master.secret} (mode 600) and
 * reaches the webmail through its environment only.
 */
public final class WebmailMasterUser {
    private WebmailMasterUser() {
    }

    public static Path secretFile(DataDirectory data) {
        return data.keys().resolve("webmail-master.secret");
    }

    /** Creates the secret and the James user when missing; @return the password */
    public static String ensure(DataDirectory data, UsersRepository users, String masterUser) throws Exception {
        Path secretFile = secretFile(data);
        Username username = Username.of(masterUser);
        boolean fresh = !Files.exists(secretFile);
        String password = SecretFiles.readOrCreateRandom(secretFile, 24);
        if (fresh || !users.contains(username)) {
            if (users.contains(username)) {
                var user = users.getUserByName(username);
                user.setPassword(password);
                users.updateUser(user);
            } else {
                users.addUser(username, password);
            }
        }
        return password;
    }
}
