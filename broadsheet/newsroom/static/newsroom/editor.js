/* Newsroom rich-text editor: Tiptap (ProseMirror, vendor/tiptap.min.js) over the body textarea.
 *
 * The textarea stays the form's source of truth: every edit writes the HTML back into it and
 * fires an `input` event on it; a `bs:body-replaced` event on it (an autosave restored from
 * outside) reloads the editor. The schema is the paste cleaner: only paragraphs, h2-h4, bold,
 * italic, links, lists, quotes and library figures exist in it, so Word's mso- styles, spans
 * and Google Docs' wrappers cannot come through. The server sanitises again on save.
 */
(function () {
  "use strict";

  var T = window.BroadsheetTiptap;
  if (!T) {
    return; // The bundle failed to load: the plain textarea still works.
  }

  /* A library image in the body: <figure><img data-media-id src alt><figcaption>caption
   * <small>Credit: credit</small></figcaption></figure>. The public page expands the image
   * into the library's <picture> with srcset (media/body.py). One atom node, so a figure is
   * moved or deleted whole. */
  var CREDIT_PREFIX = "Credit: ";

  function figureAttrs(img, figure) {
    var caption = "";
    var credit = "";
    var figcaption = figure ? figure.querySelector("figcaption") : null;
    if (figcaption) {
      var small = figcaption.querySelector("small");
      if (small) {
        credit = small.textContent.trim().replace(/^Credit:\s*/, "");
      }
      caption = Array.prototype.filter
        .call(figcaption.childNodes, function (node) {
          return node !== small;
        })
        .map(function (node) {
          return node.textContent;
        })
        .join("")
        .trim();
    }
    return {
      mediaId: img.getAttribute("data-media-id"),
      src: img.getAttribute("src"),
      alt: img.getAttribute("alt") || "",
      caption: caption,
      credit: credit,
    };
  }

  var Figure = T.Node.create({
    name: "libraryFigure",
    group: "block",
    atom: true,
    draggable: true,
    selectable: true,
    addAttributes: function () {
      return { mediaId: { default: null }, src: { default: null }, alt: { default: "" }, caption: { default: "" }, credit: { default: "" } };
    },
    parseHTML: function () {
      return [
        {
          tag: "figure",
          getAttrs: function (figure) {
            var img = figure.querySelector("img[data-media-id]");
            return img && /^\d+$/.test(img.getAttribute("data-media-id")) ? figureAttrs(img, figure) : false;
          },
        },
        {
          tag: "img[data-media-id]",
          priority: 60,
          getAttrs: function (img) {
            return /^\d+$/.test(img.getAttribute("data-media-id")) ? figureAttrs(img, null) : false;
          },
        },
      ];
    },
    renderHTML: function (props) {
      var a = props.node.attrs;
      var figure = ["figure", {}, ["img", { "data-media-id": a.mediaId, src: a.src, alt: a.alt }]];
      if (a.caption || a.credit) {
        var figcaption = ["figcaption", {}];
        if (a.caption) {
          figcaption.push(a.caption);
        }
        if (a.credit) {
          if (a.caption) {
            figcaption.push(" ");
          }
          figcaption.push(["small", {}, CREDIT_PREFIX + a.credit]);
        }
        figure.push(figcaption);
      }
      return figure;
    },
  });

  /* Word and Google Docs say bold and italic with inline styles (Docs even wraps everything in
   * <b style="font-weight:normal">). Under the admin's CSP no document here may apply an inline
   * style (parsing one is reported as a violation and leaves element.style empty), so the
   * style attributes are renamed in the text before anything parses it, read as text, and
   * turned into <strong>/<em> or unwrapped; the schema then keeps only what it knows. */
  var RENAMED_STYLE = "data-bs-style";

  function declared(element, property) {
    var text = element.getAttribute(RENAMED_STYLE) || "";
    var match = text.match(new RegExp("(?:^|;)\\s*" + property + "\\s*:\\s*([^;]+)", "i"));
    return match ? match[1].trim().toLowerCase() : "";
  }

  function unwrap(element) {
    element.replaceWith.apply(element, Array.prototype.slice.call(element.childNodes));
  }

  function wrapChildren(element, tag) {
    var wrapper = element.ownerDocument.createElement(tag);
    wrapper.append.apply(wrapper, Array.prototype.slice.call(element.childNodes));
    element.appendChild(wrapper);
  }

  function styleToMarkup(element) {
    var tag = element.tagName.toLowerCase();
    var weight = declared(element, "font-weight");
    var style = declared(element, "font-style");
    var bold = /^(bold|bolder|[6-9]00)$/.test(weight);
    var italic = style === "italic" || style === "oblique";
    element.removeAttribute(RENAMED_STYLE);
    if ((tag === "b" || tag === "strong") && /^(normal|lighter|[1-4]00)$/.test(weight)) {
      unwrap(element);
      return;
    }
    if ((tag === "i" || tag === "em") && style === "normal") {
      unwrap(element);
      return;
    }
    if (bold && tag !== "b" && tag !== "strong" && !/^h\d$/.test(tag)) {
      wrapChildren(element, "strong");
    }
    if (italic && tag !== "i" && tag !== "em") {
      wrapChildren(element, "em");
    }
  }

  /* Also drops pasted images that are not from the library (Word's file:// pictures, Google's
   * hosted copies): body images come from the library, with alt text and renditions. */
  function cleanPastedHTML(html) {
    var safe = html
      .replace(/<style[\s\S]*?<\/style>/gi, "")
      .replace(/<[a-zA-Z][^>]*>/g, function (tag) {
        return tag.replace(/(\s)style(\s*=)/gi, "$1" + RENAMED_STYLE + "$2");
      });
    var doc = new DOMParser().parseFromString(safe, "text/html");
    doc.querySelectorAll("[" + RENAMED_STYLE + "]").forEach(styleToMarkup);
    doc.querySelectorAll("img:not([data-media-id])").forEach(function (img) {
      img.remove();
    });
    return doc.body.innerHTML;
  }

  /* Words as the server counts them (newsroom/readingtime.py): tags become spaces, entities
   * are decoded, and whitespace separates words. Same input, same count, on both sides. */
  function countWords(html) {
    var text = new DOMParser().parseFromString(html.replace(/<[^>]+>/g, " "), "text/html").documentElement.textContent;
    var words = text.match(/\S+/g);
    return words ? words.length : 0;
  }

  function describeCount(words, perMinute) {
    var minutes = words ? Math.ceil(words / perMinute) : 0;
    return words + (words === 1 ? " word" : " words") + " · " + minutes + " min read";
  }

  function makeButton(label, title, className) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.title = title;
    button.setAttribute("aria-label", title);
    button.className = "bs-rte-button" + (className ? " " + className : "");
    // Keep the selection in the editor when the mouse presses a button.
    button.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    return button;
  }

  function askUrl(current) {
    var value = window.prompt("Link address (empty removes the link)", current || "https://");
    if (value === null) {
      return null;
    }
    value = value.trim();
    if (value && !/^(https?:|mailto:|\/|#)/i.test(value)) {
      value = "https://" + value;
    }
    return value;
  }

  /* The library picker: a modal dialog listing recent images (searchable by title and alt),
   * then caption and credit (from the library, editable) before inserting the figure. */
  function makePicker(url, onChoose) {
    var dialog = document.createElement("dialog");
    dialog.className = "bs-picker";
    dialog.setAttribute("aria-labelledby", "bs-picker-title");
    dialog.innerHTML =
      '<form method="dialog" class="bs-picker-head"><h2 id="bs-picker-title">Insert image from the library</h2>' +
      '<button type="submit" class="bs-rte-button" aria-label="Close">×</button></form>' +
      '<input type="search" class="bs-picker-search" aria-label="Search images by title or alt text" placeholder="Search by title or alt text">' +
      '<p class="bs-picker-status" role="status"></p><ul class="bs-picker-list"></ul>' +
      '<div class="bs-picker-chosen" hidden><img alt=""><label>Caption <input type="text" class="bs-picker-caption"></label>' +
      '<label>Credit <input type="text" class="bs-picker-credit"></label>' +
      '<button type="button" class="button default bs-picker-insert">Insert</button></div>';
    document.body.appendChild(dialog);
    var search = dialog.querySelector(".bs-picker-search");
    var list = dialog.querySelector(".bs-picker-list");
    var status = dialog.querySelector(".bs-picker-status");
    var chosenBox = dialog.querySelector(".bs-picker-chosen");
    var chosen = null;
    var timer = null;

    function load() {
      status.textContent = "Loading…";
      fetch(url + "?q=" + encodeURIComponent(search.value.trim()), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          list.replaceChildren();
          data.images.forEach(function (image) {
            var item = document.createElement("li");
            var button = document.createElement("button");
            button.type = "button";
            button.className = "bs-picker-item";
            button.setAttribute("data-media-id", image.id);
            var thumb = document.createElement("img");
            thumb.src = image.thumb;
            thumb.alt = "";
            var text = document.createElement("span");
            text.textContent = image.alt;
            button.append(thumb, text);
            button.addEventListener("click", function () {
              choose(image);
            });
            item.appendChild(button);
            list.appendChild(item);
          });
          status.textContent = data.images.length ? "" : "No images found.";
        })
        .catch(function (error) {
          status.textContent = "The library could not be loaded (" + error.message + ").";
        });
    }

    function choose(image) {
      chosen = image;
      chosenBox.hidden = false;
      chosenBox.querySelector("img").src = image.thumb;
      chosenBox.querySelector("img").alt = image.alt;
      dialog.querySelector(".bs-picker-caption").value = image.caption;
      dialog.querySelector(".bs-picker-credit").value = image.credit;
      dialog.querySelector(".bs-picker-caption").focus();
    }

    dialog.querySelector(".bs-picker-insert").addEventListener("click", function () {
      if (!chosen) {
        return;
      }
      onChoose({
        mediaId: String(chosen.id),
        src: chosen.src,
        alt: chosen.alt,
        caption: dialog.querySelector(".bs-picker-caption").value.trim(),
        credit: dialog.querySelector(".bs-picker-credit").value.trim(),
      });
      dialog.close();
    });
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, 250);
    });

    return function open() {
      chosen = null;
      chosenBox.hidden = true;
      search.value = "";
      dialog.showModal();
      search.focus();
      load();
    };
  }

  /* Markup a stored body may hold (imported or ingested stories) that the schema has no place
   * for: loading it into the editor would drop it on the next save, so such a body is edited
   * as HTML in the textarea instead, with a note saying why. */
  var UNSUPPORTED = /<(table|pre|code|hr|h1|h5|h6|dl|sub|sup|del|ins|s|u|mark|kbd|abbr|q|time|cite)[\s>\/]/i;

  function keepAsHtml(textarea, count, perMinute) {
    var note = document.createElement("p");
    note.className = "help bs-rte-note";
    note.textContent =
      "This text has formatting the editor cannot show (a table, code, a rule…), so it is edited as HTML here to keep it.";
    textarea.before(note);
    var show = function () {
      count.textContent = describeCount(countWords(textarea.value), perMinute);
    };
    textarea.addEventListener("input", show);
    textarea.addEventListener("bs:body-replaced", show);
    show();
  }

  function wordCountElement(textarea) {
    var count = document.querySelector(".bs-wordcount");
    if (!count) {
      count = document.createElement("p");
      count.className = "bs-wordcount";
      textarea.after(count);
    }
    count.setAttribute("aria-live", "polite");
    return count;
  }

  function enhance(textarea) {
    var count = wordCountElement(textarea);
    var perMinute = Number(count.getAttribute("data-words-per-minute")) || 230;
    if (UNSUPPORTED.test(textarea.value)) {
      keepAsHtml(textarea, count, perMinute);
      return;
    }
    var wrapper = document.createElement("div");
    wrapper.className = "bs-rte";
    var toolbar = document.createElement("div");
    toolbar.className = "bs-rte-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting");
    var mount = document.createElement("div");
    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.append(toolbar, mount, textarea);
    textarea.hidden = true;

    var label = textarea.id ? document.querySelector('label[for="' + textarea.id + '"]') : null;

    var editor = new T.Editor({
      element: mount,
      injectCSS: false, // the admin's CSP allows no inline styles; editor.css has the rules
      content: textarea.value,
      extensions: [
        T.StarterKit.configure({
          heading: { levels: [2, 3, 4] },
          code: false,
          codeBlock: false,
          strike: false,
          horizontalRule: false,
        }),
        T.Link.configure({ openOnClick: false, autolink: true, HTMLAttributes: { rel: null, target: null } }),
        // Images already in a body (imported or ingested) keep their place; new ones come
        // from the library as figures.
        T.Image.configure({ inline: false, allowBase64: false }),
        Figure,
      ],
      editorProps: {
        attributes: {
          class: "bs-rte-area",
          role: "textbox",
          "aria-multiline": "true",
          "aria-label": label ? label.textContent.replace(/:\s*$/, "") : "Body",
        },
        transformPastedHTML: cleanPastedHTML,
      },
    });

    function bodyHtml() {
      return editor.isEmpty ? "" : editor.getHTML();
    }

    function showCount() {
      count.textContent = describeCount(countWords(textarea.value), perMinute);
    }

    editor.on("update", function () {
      textarea.value = bodyHtml();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      showCount();
    });
    // Loaded content is normalised by the schema: what the form posts is what the editor shows.
    textarea.value = bodyHtml();
    showCount();

    textarea.addEventListener("bs:body-replaced", function () {
      editor.commands.setContent(textarea.value, false);
      textarea.value = bodyHtml();
      showCount();
    });

    var chain = function () {
      return editor.chain().focus();
    };
    var pickerUrl = textarea.getAttribute("data-media-picker");
    var openPicker = pickerUrl
      ? makePicker(pickerUrl, function (attrs) {
          chain().insertContent({ type: "libraryFigure", attrs: attrs }).run();
        })
      : null;

    var buttons = [
      ["¶", "Paragraph", function () { chain().setParagraph().run(); }, function () { return editor.isActive("paragraph"); }],
      ["H2", "Heading 2", function () { chain().toggleHeading({ level: 2 }).run(); }, function () { return editor.isActive("heading", { level: 2 }); }],
      ["H3", "Heading 3", function () { chain().toggleHeading({ level: 3 }).run(); }, function () { return editor.isActive("heading", { level: 3 }); }],
      ["H4", "Heading 4", function () { chain().toggleHeading({ level: 4 }).run(); }, function () { return editor.isActive("heading", { level: 4 }); }],
      ["B", "Bold", function () { chain().toggleBold().run(); }, function () { return editor.isActive("bold"); }, "bs-rte-bold"],
      ["I", "Italic", function () { chain().toggleItalic().run(); }, function () { return editor.isActive("italic"); }, "bs-rte-italic"],
      ["Link", "Link", function () {
        var href = askUrl(editor.getAttributes("link").href);
        if (href === null) {
          return;
        }
        if (href) {
          chain().extendMarkRange("link").setLink({ href: href }).run();
        } else {
          chain().extendMarkRange("link").unsetLink().run();
        }
      }, function () { return editor.isActive("link"); }],
      ["• List", "Bulleted list", function () { chain().toggleBulletList().run(); }, function () { return editor.isActive("bulletList"); }],
      ["1. List", "Numbered list", function () { chain().toggleOrderedList().run(); }, function () { return editor.isActive("orderedList"); }],
      ["“ Quote", "Quote", function () { chain().toggleBlockquote().run(); }, function () { return editor.isActive("blockquote"); }],
    ];
    if (openPicker) {
      buttons.push(["Image", "Insert image from library", openPicker, null]);
    }
    buttons.push(["↶", "Undo", function () { chain().undo().run(); }, null]);
    buttons.push(["↷", "Redo", function () { chain().redo().run(); }, null]);

    var toggles = [];
    buttons.forEach(function (spec) {
      var button = makeButton(spec[0], spec[1], spec[4]);
      button.addEventListener("click", spec[2]);
      if (spec[3]) {
        button.setAttribute("aria-pressed", "false");
        toggles.push([button, spec[3]]);
      }
      toolbar.appendChild(button);
    });
    function showState() {
      toggles.forEach(function (pair) {
        pair[0].setAttribute("aria-pressed", pair[1]() ? "true" : "false");
      });
    }
    editor.on("transaction", showState);
    showState();
  }

  function start() {
    document.querySelectorAll("textarea[data-richtext]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
