package org.civicmail.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SubjectTest {
    @Test
    void normalisesTheDomain() {
        assertEquals("Alice@city.example", Subject.citizen("Alice@City.EXAMPLE", null).emailAddress());
    }

    @Test
    void refusesIncompleteIdentities() {
        assertEquals("subject x@acme.example: a LEGAL_ENTITY needs its unified social credit code",
                assertThrows(InvalidInputException.class, () -> Subject.legalEntity("x@acme.example", "Acme", null)).getMessage());
        assertEquals("subject x@acme.example: credit code '123' is not a unified social credit code (18 characters, digits"
                        + " and capitals without I, O, S, V, Z)",
                assertThrows(InvalidInputException.class, () -> Subject.legalEntity("x@acme.example", "Acme", "123")).getMessage());
        assertEquals("subject y@gov.example: an OFFICIAL needs the person's name",
                assertThrows(InvalidInputException.class, () -> Subject.official("y@gov.example", null, "Tax", null)).getMessage());
        assertEquals("address 'not-an-address' is not an e-mail address of the form local@domain.tld",
                assertThrows(InvalidInputException.class, () -> Subject.citizen("not-an-address", null)).getMessage());
    }
}
