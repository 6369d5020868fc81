/** GenEval-style evaluation of composed images: object finding, classification, colour check, aggregates. */
package dnd.eval;
