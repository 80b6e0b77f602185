package org.civicmail.webmail.render;

import java.time.Instant;
import java.util.List;

/**
 * A message ready for the template: headers as plain text, body either sanitised HTML or plain text
 * (escaped by the template), attachments. Header texts are decoded from 8-bit bytes as well (see HeaderText).
 * {@code replyTo}/{@code replyToAddress} are {@code null} when the message has no Reply-To.
 */
public record RenderedMessage(String from, String fromAddress, String fromName, String replyTo, String replyToAddress,
                              String to, String cc, String subject, Instant date,
                              String messageId, String html, String text, int blockedImages,
                              List<Attachment> attachments) {}
