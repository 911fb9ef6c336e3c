"""The SVG allow-list: namespaces, elements and attributes an uploaded SVG may use.

SVG 1.1 / SVG 2 drawing, paint, text, filter and animation vocabulary. Left out on purpose:
``script``, ``foreignObject`` (it embeds HTML), ``iframe``/``video``/``audio``/``canvas`` (SVG 2's
HTML elements), ``handler``/``listener``, and every ``on*`` event attribute.
"""

from __future__ import annotations

from typing import Final

SVG_NS: Final = "http://www.w3.org/2000/svg"
XLINK_NS: Final = "http://www.w3.org/1999/xlink"
XML_NS: Final = "http://www.w3.org/XML/1998/namespace"
XHTML_NS: Final = "http://www.w3.org/1999/xhtml"
MATHML_NS: Final = "http://www.w3.org/1998/Math/MathML"

#: Namespaces browsers give behaviour to besides SVG: never allowed, not even inside <metadata>.
ACTIVE_NAMESPACES: Final = frozenset({XHTML_NS, MATHML_NS})

#: Editors' bookkeeping (Inkscape, Sodipodi, Illustrator, Sketch, Affinity) and RDF metadata:
#: browsers attach no behaviour to these, so any element or attribute name in them is inert.
EDITOR_NAMESPACES: Final = frozenset({
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/",
    "http://ns.adobe.com/Extensibility/1.0/",
    "http://ns.adobe.com/Graphs/1.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
    "http://ns.adobe.com/Variables/1.0/",
    "http://ns.adobe.com/ImageReplacement/1.0/",
    "http://www.bohemiancoding.com/sketch/ns",
    "http://www.serif.com/",
})

ELEMENTS: Final = frozenset({
    "svg", "g", "defs", "symbol", "use", "switch", "view", "title", "desc", "metadata", "style", "a",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "image",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA",
    "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge", "feMergeNode",
    "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile",
    "feTurbulence",
    "animate", "animateMotion", "animateTransform", "set", "mpath",
})

#: Elements whose ``href`` may be an embedded raster image (``data:image/png;base64,...``).
RASTER_HREF_ELEMENTS: Final = frozenset({"image", "feImage"})
#: Animation elements: what they animate (``attributeName``) is checked too.
ANIMATION_ELEMENTS: Final = frozenset({"animate", "animateMotion", "animateTransform", "set"})

#: Presentation attributes (also CSS properties in ``style``).
PRESENTATION: Final = frozenset({
    "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
    "color-interpolation", "color-interpolation-filters", "color-profile", "color-rendering",
    "cursor", "direction", "display", "dominant-baseline", "enable-background", "fill",
    "fill-opacity", "fill-rule", "filter", "flood-color", "flood-opacity", "font", "font-family",
    "font-size", "font-size-adjust", "font-stretch", "font-style", "font-variant", "font-weight",
    "glyph-orientation-horizontal", "glyph-orientation-vertical", "image-rendering", "isolation",
    "kerning", "letter-spacing", "lighting-color", "marker", "marker-end", "marker-mid",
    "marker-start", "mask", "mask-type", "mix-blend-mode", "opacity", "overflow", "paint-order",
    "pointer-events", "shape-rendering", "stop-color", "stop-opacity", "stroke", "stroke-dasharray",
    "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity",
    "stroke-width", "text-anchor", "text-decoration", "text-rendering", "transform",
    "transform-origin", "transform-box", "unicode-bidi", "vector-effect", "visibility",
    "word-spacing", "writing-mode",
})

#: Geometry, structure, gradient, filter, text and animation attributes (no namespace).
ATTRIBUTES: Final = PRESENTATION | frozenset({
    "id", "class", "style", "lang", "tabindex", "role", "focusable", "version", "baseProfile",
    "x", "y", "width", "height", "viewBox", "preserveAspectRatio", "zoomAndPan",
    "d", "pathLength", "points", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2", "fr", "fx",
    "fy", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing",
    "side", "href",
    "offset", "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits",
    "markerUnits", "markerWidth", "markerHeight", "refX", "refY", "orient",
    "filterUnits", "primitiveUnits", "filterRes", "in", "in2", "result", "mode", "operator", "k1",
    "k2", "k3", "k4", "type", "values", "tableValues", "slope", "intercept", "amplitude",
    "exponent", "stdDeviation", "edgeMode", "order", "kernelMatrix", "divisor", "bias", "targetX",
    "targetY", "kernelUnitLength", "preserveAlpha", "surfaceScale", "diffuseConstant",
    "specularConstant", "specularExponent", "azimuth", "elevation", "pointsAtX", "pointsAtY",
    "pointsAtZ", "limitingConeAngle", "scale", "xChannelSelector", "yChannelSelector", "radius",
    "baseFrequency", "numOctaves", "seed", "stitchTiles", "crossorigin",
    "attributeName", "attributeType", "begin", "dur", "end", "min", "max", "restart",
    "repeatCount", "repeatDur", "calcMode", "keyTimes", "keySplines", "keyPoints", "from", "to",
    "by", "additive", "accumulate", "path", "requiredExtensions", "requiredFeatures",
    "systemLanguage", "media",
})
#: Attributes holding a URL: only a local ``#fragment`` (or a raster data: URL, see above).
URL_ATTRIBUTES: Final = frozenset({"href"})
#: ``attributeName`` of an animation: any allowed attribute but these (a script URL or CSS could
#: be animated in, e.g. ``<set attributeName="href" to="javascript:...">``).
NOT_ANIMATABLE: Final = URL_ATTRIBUTES | frozenset({"style", "attributeName", "xlink:href"})
#: Namespaced attributes allowed by local name.
XLINK_ATTRIBUTES: Final = frozenset({"href", "title"})
XML_ATTRIBUTES: Final = frozenset({"space", "lang"})
