/**
 * The backbone and everything TensorFlow: conversion of a Keras (TF.js layers) model into a
 * TensorFlow graph and SavedModel, image decoding and preprocessing, and feature extraction through
 * DJL's TensorFlow engine.
 *
 * <p>It knows nothing of Kafka, and no engine type (DJL, TensorFlow Java) appears in its public
 * API: callers see {@link dev.streamtune.ml.Backbone}, {@link dev.streamtune.ml.FeatureExtractor}
 * and {@link dev.streamtune.ml.Features}, and plain arrays. The engine is named once, in {@code
 * Engine}.
 */
package dev.streamtune.ml;
