package org.civicmail.webmail.compose;

/**
 * The compose form's fields, as shown and as posted. {@code forwardFolder}/{@code forwardUid} name a message
 * whose attachments are carried along when forwarding.
 */
public record ComposeForm(String to, String cc, String subject, String body, String inReplyTo, String references,
                          String forwardFolder, long forwardUid, String error, String notice) {

    public static ComposeForm empty() {
        return new ComposeForm("", "", "", "", "", "", "", 0, null, null);
    }

    public ComposeForm withError(String message) {
        return new ComposeForm(to, cc, subject, body, inReplyTo, references, forwardFolder, forwardUid, message, null);
    }

    public ComposeForm withNotice(String message) {
        return new ComposeForm(to, cc, subject, body, inReplyTo, references, forwardFolder, forwardUid, null, message);
    }
}
