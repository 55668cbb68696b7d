/**
 * Feedback: what live traffic tells Streamtune to learn next. {@link
 * dev.streamtune.feedback.FeedbackTopology#build} turns the uncertain predictions serve publishes
 * (those whose image it kept under {@code feedback/}) into {@code LabellingRequest}s on {@code
 * labelling.requests}, within a daily budget per model and never twice for one image; {@link
 * dev.streamtune.feedback.FeedbackApp} runs it as the worker's {@code feedback} role. A labeller
 * answers with an ordinary {@code LabelledImage} ({@link dev.streamtune.feedback.LabellingRequests}
 * builds it), which ingest stores and counts like any other example.
 */
package dev.streamtune.feedback;
