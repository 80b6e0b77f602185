package org.civicmail.broadcast.evidence;

import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.civicmail.smime.SigningCredential;

/**
 * Signs a broadcast's summary as a CMS SignedData (DER) with the content inside and the signer's chain included,
 * so {@code openssl cms -verify -inform DER -CAfile root.pem} checks it and prints the summary. Thread-safe.
 */
public final class EvidenceSigner {
    private EvidenceSigner() {
    }

    public static byte[] sign(byte[] summary, SigningCredential credential) {
        try {
            String algorithm = credential.privateKey().getAlgorithm().startsWith("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .build(new JcaContentSignerBuilder(algorithm).build(credential.privateKey()), credential.certificate()));
            generator.addCertificates(new JcaCertStore(credential.chain()));
            return generator.generate(new CMSProcessableByteArray(summary), true).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the broadcast summary as " + credential.address() + ": " + e.getMessage(), e);
        }
    }
}
