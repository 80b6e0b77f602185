package org.civicmail.webmail.web;

import java.util.List;
import org.civicmail.webmail.i18n.SignaturePanel;
import org.civicmail.webmail.imap.FolderView;
import org.civicmail.webmail.render.RenderedMessage;
import org.civicmail.webmail.trust.TrustLine;

/**
 * Model of the message page.
 *
 * @param trust          the server's verdict for the banner and the one-line verdict
 * @param agency         for verified mail, the agency name (or signer address)
 * @param replyToOutside the Reply-To differs from From and is outside the city's domains
 * @param replyToDiffers the Reply-To differs from From
 */
public record MessageView(List<FolderView> folders, String folder, long uid, SignaturePanel panel,
                          RenderedMessage message, boolean imagesAllowed, TrustLine trust, String agency,
                          boolean replyToDiffers, boolean replyToOutside, String notice) {

    public boolean unverified() {
        return trust.state() == TrustLine.State.UNVERIFIED;
    }
}
