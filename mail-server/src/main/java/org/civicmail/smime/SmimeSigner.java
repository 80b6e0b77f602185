package org.civicmail.smime;

import java.io.IOException;
import java.util.Date;
import java.util.Enumeration;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.smime.SMIMECapabilitiesAttribute;
import org.bouncycastle.asn1.smime.SMIMECapability;
import org.bouncycastle.asn1.smime.SMIMECapabilityVector;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;

/**
 * Signs a message as RFC 8551 {@code multipart/signed} with a detached CMS signature (SHA-256), the chain
 * included and signingTime equal to the message's Date header: Thunderbird flags a signature whose time is
 * more than an hour from Date, and a message may wait in the queue. Thread-safe; one instance serves all.
 */
public final class SmimeSigner {

    /** Returns a new message with the original's headers and a signed copy of its content. */
    public MimeMessage sign(MimeMessage original, SigningCredential credential) throws MessagingException {
        try {
            if (original.getSentDate() == null) {
                original.setSentDate(new Date());
            }
            Date signingTime = original.getSentDate();
            MimeBodyPart content = contentOf(original);
            MimeMultipart signed = generator(credential, signingTime).generate(content);

            MimeMessage result = new MimeMessage((Session) null);
            Enumeration<Header> headers = original.getAllHeaders();
            while (headers.hasMoreElements()) {
                Header h = headers.nextElement();
                if (!h.getName().toLowerCase(java.util.Locale.ROOT).startsWith("content-")) {
                    result.addHeader(h.getName(), h.getValue());
                }
            }
            result.setContent(signed);
            result.saveChanges();
            // saveChanges() assigns a new Message-ID; the message keeps the one it was written with.
            String[] messageId = original.getHeader("Message-ID");
            if (messageId != null) {
                result.setHeader("Message-ID", messageId[0]);
            }
            return result;
        } catch (MessagingException e) {
            throw e;
        } catch (Exception e) {
            throw new MessagingException("cannot sign the message as " + credential.address() + ": " + e.getMessage(), e);
        }
    }

    private static SMIMESignedGenerator generator(SigningCredential credential, Date signingTime) throws Exception {
        ASN1EncodableVector signedAttributes = new ASN1EncodableVector();
        signedAttributes.add(new org.bouncycastle.asn1.cms.Attribute(CMSAttributes.signingTime,
            new org.bouncycastle.asn1.DERSet(new Time(signingTime))));
        SMIMECapabilityVector capabilities = new SMIMECapabilityVector();
        capabilities.addCapability(SMIMECapability.aES256_CBC);
        capabilities.addCapability(SMIMECapability.aES128_CBC);
        signedAttributes.add(new SMIMECapabilitiesAttribute(capabilities));

        String algorithm = credential.privateKey().getAlgorithm().startsWith("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        SignerInfoGenerator signer = new JcaSimpleSignerInfoGeneratorBuilder()
            .setProvider(BouncyCastleProviderHolder.PROVIDER)
            .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(signedAttributes)))
            .build(algorithm, credential.privateKey(), credential.certificate());
        SMIMESignedGenerator generator = new SMIMESignedGenerator();
        generator.addSignerInfoGenerator(signer);
        generator.addCertificates(new JcaCertStore(credential.chain()));
        return generator;
    }

    /**
     * The original's content as a body part, every leaf re-encoded to 7-bit (quoted-printable or base64) first:
     * a signed part must survive any relay unchanged (RFC 8551 section 3.1.2).
     */
    static MimeBodyPart contentOf(MimeMessage original) throws MessagingException, IOException {
        MimeBodyPart part = new MimeBodyPart();
        Object content = original.getContent();
        if (content instanceof Multipart multipart) {
            part.setContent(multipart);
        } else {
            part.setContent(content, original.getContentType());
        }
        Enumeration<Header> headers = original.getAllHeaders();
        while (headers.hasMoreElements()) {
            Header h = headers.nextElement();
            String name = h.getName().toLowerCase(java.util.Locale.ROOT);
            if (name.startsWith("content-") && !name.equals("content-transfer-encoding")) {
                part.setHeader(h.getName(), h.getValue());
            }
        }
        sevenBit(part);
        return part;
    }

    private static void sevenBit(Part part) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                sevenBit(multipart.getBodyPart(i));
            }
            part.setContent(multipart);
        } else if (part instanceof MimeBodyPart body) {
            body.setHeader("Content-Transfer-Encoding", part.isMimeType("text/*") ? "quoted-printable" : "base64");
        }
    }
}
