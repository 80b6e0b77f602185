package org.civicmail.webmail.web;

import java.util.List;
import org.civicmail.webmail.i18n.SignaturePanel;
import org.civicmail.webmail.imap.FolderView;
import org.civicmail.webmail.render.RenderedMessage;

/** Model of the message page. */
public record MessageView(List<FolderView> folders, String folder, long uid, SignaturePanel panel,
                          RenderedMessage message, boolean imagesAllowed) {}
