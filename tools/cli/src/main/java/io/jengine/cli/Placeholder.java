package io.jengine.cli; final class Placeholder {}
