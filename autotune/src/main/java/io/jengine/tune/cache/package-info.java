/**
 * The auto-tuner's timing cache, like TensorRT's: the measured time of each candidate tactic per layer signature,
 * kept in a JSON file ({@code --timing-cache}) so that a later build on the same device with the same engine version
 * picks tactics without timing them again. {@link io.jengine.tune.cache.TimingCache} is the cache the tuner uses,
 * {@link io.jengine.tune.cache.Timing} one measurement; the file's format and its locking stay inside the package.
 */
package io.jengine.tune.cache;
