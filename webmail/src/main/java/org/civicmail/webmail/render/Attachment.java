package org.civicmail.webmail.render;

/**
 * An attachment as listed on the message page.
 * @param index   position in the message's attachment order, used in download links
 * @param name    safe file name (no path, no control characters)
 * @param contentType safe content type to send; anything not on the allow-list becomes application/octet-stream
 * @param inline  whether the browser may show it in place (PDF and images)
 */
public record Attachment(int index, String name, String contentType, long size, boolean inline) {}
