package org.civicmail.webmail.render;

import java.time.Instant;
import java.util.List;

/**
 * A message ready for the template: headers as plain text, body either sanitised HTML or plain text
 * (escaped by the template), attachments.
 */
public record RenderedMessage(String from, String fromAddress, String to, String cc, String subject, Instant date,
                              String messageId, String html, String text, int blockedImages,
                              List<Attachment> attachments) {}
