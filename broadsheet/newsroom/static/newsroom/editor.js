/* Newsroom rich-text editor: a toolbar over an editable area that writes HTML back into its textarea.
 *
 * Loaded deferred from the admin (RichTextWidget). Without this script the editor gets the
 * plain textarea. The server sanitises whatever is submitted, so this file only has to make
 * editing pleasant, not safe; it still never lets markup run while it is being edited.
 */
(function () {
  "use strict";

  var BUTTONS = [
    { label: "B", title: "Bold", command: "bold", className: "bs-rte-bold" },
    { label: "I", title: "Italic", command: "italic", className: "bs-rte-italic" },
    { label: "Link", title: "Link the selected text", action: "link" },
    { label: "H2", title: "Heading", command: "formatBlock", value: "<h2>" },
    { label: "H3", title: "Subheading", command: "formatBlock", value: "<h3>" },
    { label: "¶", title: "Plain paragraph", command: "formatBlock", value: "<p>" },
    { label: "Quote", title: "Block quote", command: "formatBlock", value: "<blockquote>" },
    { label: "• List", title: "Bulleted list", command: "insertUnorderedList" },
    { label: "1. List", title: "Numbered list", command: "insertOrderedList" },
    { label: "Image", title: "Image by address", action: "image" },
    { label: "HTML", title: "Edit the HTML source", action: "source" }
  ];
  var DROP_ELEMENTS = "script, style, iframe, object, embed, template, noscript, form";
  var URL_SCHEME = /^\s*([a-z][a-z0-9+.-]*):/i;
  var SAFE_SCHEMES = ["http", "https", "mailto"];

  /* Relative addresses and http(s)/mailto pass; javascript:, data: and the like do not. */
  function isSafeUrl(value) {
    var match = URL_SCHEME.exec(value);
    return !match || SAFE_SCHEMES.indexOf(match[1].toLowerCase()) !== -1;
  }

  /* Parse HTML without running or loading anything (template content is inert), then drop
   * event handlers and script URLs before it enters the live editing area. */
  function inertFragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var fragment = template.content;
    fragment.querySelectorAll(DROP_ELEMENTS).forEach(function (node) {
      node.remove();
    });
    fragment.querySelectorAll("*").forEach(function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attribute) {
        var name = attribute.name.toLowerCase();
        var isUrl = name === "href" || name === "src";
        if (name.indexOf("on") === 0 || name === "style" || (isUrl && !isSafeUrl(attribute.value))) {
          node.removeAttribute(attribute.name);
        }
      });
    });
    return fragment;
  }

  var BLOCKS = ["P", "UL", "OL", "H2", "H3", "H4", "BLOCKQUOTE", "FIGURE", "TABLE", "PRE", "HR", "DL"];

  function isBlock(node) {
    return node.nodeType === Node.ELEMENT_NODE && BLOCKS.indexOf(node.nodeName) !== -1;
  }

  function isBlank(node) {
    return !node.textContent.trim() && !(node.querySelector && node.querySelector("img"));
  }

  /* The editing area's HTML, tidied on a copy (so the caret is never disturbed). Chrome
   * builds lists and new lines inside the current paragraph (<p><ol>…</ol><p>…</p></p>),
   * which is not valid HTML and would come back from the sanitiser as stray empty
   * paragraphs: split such paragraphs into their blocks, wrapping loose text in <p>. */
  function serialise(area) {
    var copy = area.cloneNode(true);
    var paragraphs = Array.prototype.slice.call(copy.querySelectorAll("p")).reverse();
    paragraphs.forEach(function (paragraph) {
      var children = Array.prototype.slice.call(paragraph.childNodes);
      if (!children.some(isBlock)) {
        return;
      }
      var parts = [];
      var run = null;
      children.forEach(function (child) {
        if (isBlock(child)) {
          parts.push(child);
          run = null;
        } else {
          if (!run) {
            run = document.createElement("p");
            parts.push(run);
          }
          run.appendChild(child);
        }
      });
      parts.forEach(function (part) {
        if (part.nodeName !== "P" || !isBlank(part)) {
          paragraph.parentNode.insertBefore(part, paragraph);
        }
      });
      paragraph.remove();
    });
    return copy.innerHTML;
  }

  /* Where a collapsed caret is, as characters from the start of `area` (nodes may be
   * replaced by an edit, text is not); null when there is a selection or none. */
  function caretPosition(area) {
    var selection = window.getSelection();
    if (!selection.rangeCount || !selection.isCollapsed || !area.contains(selection.focusNode)) {
      return null;
    }
    var range = document.createRange();
    range.selectNodeContents(area);
    range.setEnd(selection.focusNode, selection.focusOffset);
    return { chars: range.toString().length, atLineStart: selection.focusOffset === 0 };
  }

  function placeCaret(area, caret) {
    var walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
    var seen = 0;
    var node = walker.nextNode();
    while (node) {
      var end = seen + node.textContent.length;
      // At a boundary between two lines, a caret that was at a line start belongs to the next.
      if (end > caret.chars || (end === caret.chars && !caret.atLineStart)) {
        window.getSelection().collapse(node, caret.chars - seen);
        return;
      }
      seen = end;
      node = walker.nextNode();
    }
  }

  function askUrl(message) {
    var answer = window.prompt(message, "https://");
    if (answer === null) {
      return null;
    }
    answer = answer.trim();
    if (!answer || answer === "https://") {
      return null;
    }
    if (!isSafeUrl(answer)) {
      window.alert("Use an address starting with https://, http:// or mailto:, or a path on this site.");
      return null;
    }
    return answer;
  }

  function enhance(textarea) {
    var wrapper = document.createElement("div");
    wrapper.className = "bs-rte";
    var toolbar = document.createElement("div");
    toolbar.className = "bs-rte-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting");
    var area = document.createElement("div");
    area.className = "bs-rte-area";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    var label = textarea.id ? document.querySelector('label[for="' + textarea.id + '"]') : null;
    area.setAttribute("aria-label", label ? label.textContent.replace(/:\s*$/, "") : "Body");
    area.appendChild(inertFragment(textarea.value));

    /* An empty editor holds one empty paragraph with the caret in it: otherwise the first
     * line typed is bare text outside any block, or (after deleting everything) the caret
     * has nowhere to go. */
    function resetIfEmpty() {
      if (area.textContent.trim() || area.querySelector("img, hr")) {
        return;
      }
      area.innerHTML = "<p><br></p>";
      if (document.activeElement === area) {
        var range = document.createRange();
        range.setStart(area.firstChild, 0);
        range.collapse(true);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
    }
    resetIfEmpty();

    var sourceMode = false;
    var sourceButton = null;

    function syncToTextarea() {
      if (!sourceMode) {
        textarea.value = serialise(area);
      }
    }

    function setSourceMode(on) {
      if (on) {
        syncToTextarea();
      } else {
        area.replaceChildren(inertFragment(textarea.value));
      }
      sourceMode = on;
      textarea.hidden = !on;
      area.hidden = on;
      toolbar.querySelectorAll("button").forEach(function (button) {
        button.disabled = on && button !== sourceButton;
      });
      sourceButton.setAttribute("aria-pressed", on ? "true" : "false");
      (on ? textarea : area).focus();
    }

    function run(spec) {
      if (spec.action === "source") {
        setSourceMode(!sourceMode);
        return;
      }
      area.focus();
      if (spec.action === "link") {
        var href = askUrl("Link address");
        if (href) {
          document.execCommand("createLink", false, href);
        }
      } else if (spec.action === "image") {
        var src = askUrl("Image address");
        if (src) {
          var image = document.createElement("img");
          image.src = src;
          image.alt = (window.prompt("Describe the image for readers who cannot see it", "") || "").trim();
          document.execCommand("insertHTML", false, image.outerHTML);
        }
      } else {
        var caret = spec.command.indexOf("List") !== -1 ? caretPosition(area) : null;
        document.execCommand(spec.command, false, spec.value || null);
        if (caret) {
          // Chrome moves the caret to the start of the line when it makes a list.
          placeCaret(area, caret);
        }
      }
      syncToTextarea();
    }

    BUTTONS.forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = spec.label;
      button.title = spec.title;
      button.setAttribute("aria-label", spec.title);
      button.className = "bs-rte-button" + (spec.className ? " " + spec.className : "");
      // Keep the text selection in the editing area when the mouse presses a button.
      button.addEventListener("mousedown", function (event) {
        event.preventDefault();
      });
      button.addEventListener("click", function () {
        run(spec);
      });
      if (spec.action === "source") {
        sourceButton = button;
        button.setAttribute("aria-pressed", "false");
      }
      toolbar.appendChild(button);
    });

    area.addEventListener("input", function () {
      resetIfEmpty();
      var hasBareText = Array.prototype.some.call(area.childNodes, function (node) {
        return node.nodeType === Node.TEXT_NODE && node.textContent.trim();
      });
      if (hasBareText) {
        // Typing into an emptied editor leaves bare text; keep every line in a paragraph.
        document.execCommand("formatBlock", false, "<p>");
      }
      syncToTextarea();
    });
    area.addEventListener("blur", syncToTextarea);
    // The shared contract: whoever replaces the body (autosave.js restoring) says so.
    textarea.addEventListener("bs:body-replaced", function () {
      area.replaceChildren(inertFragment(textarea.value));
      resetIfEmpty();
    });
    if (textarea.form) {
      textarea.form.addEventListener("submit", syncToTextarea);
    }

    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.appendChild(toolbar);
    wrapper.appendChild(area);
    wrapper.appendChild(textarea);
    textarea.classList.add("bs-rte-source");
    textarea.hidden = true;
  }

  function start() {
    try {
      // New blocks are paragraphs, not bare divs (divs are not in the sanitiser's allowlist).
      document.execCommand("defaultParagraphSeparator", false, "p");
    } catch (error) {
      // Old engines without this command still produce acceptable markup.
    }
    document.querySelectorAll("textarea[data-richtext]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
